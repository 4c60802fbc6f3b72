// `op: "list"` (SPEC 7.2): the commands this key may run, and nothing else.
import { isClusterAllowed } from '../auth/index.js';
import type { CommandSpec, ConfigSnapshot, KeyEntry } from '../config/index.js';
import type { ListedCommand } from '../protocol/index.js';

export function listCommands(snapshot: ConfigSnapshot, key: KeyEntry): ListedCommand[] {
  const listed: ListedCommand[] = [];
  for (const [cluster, commands] of snapshot.clusters) {
    if (!isClusterAllowed(key, cluster)) continue;
    for (const [name, spec] of commands) listed.push(describeCommand(`${cluster}::${name}`, spec));
  }
  return listed.sort((a, b) => (a.command < b.command ? -1 : a.command > b.command ? 1 : 0));
}

// One entry: the name and description, plus the rules a caller must meet (additive fields).
function describeCommand(command: string, spec: CommandSpec): ListedCommand {
  const entry: ListedCommand = { command, description: spec.description, args: { min: spec.args.min, max: spec.args.max }, payload: spec.payload };
  // arg_pattern is compiled wrapped as ^(?:…)$ (config/option-values.ts); the listing shows what was configured.
  if (spec.argPattern !== null) entry.arg_pattern = spec.argPattern.source.slice('^(?:'.length, -')$'.length);
  if (spec.payload !== 'none') entry.max_payload = spec.maxPayload;
  return entry;
}
