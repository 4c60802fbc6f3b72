// `op: "list"` (SPEC 7.2): the commands this key may run, and nothing else.
import { isClusterAllowed } from '../auth/index.js';
import type { ConfigSnapshot, KeyEntry } from '../config/index.js';
import type { ListedCommand } from '../protocol/index.js';

export function listCommands(snapshot: ConfigSnapshot, key: KeyEntry): ListedCommand[] {
  const listed: ListedCommand[] = [];
  for (const [cluster, commands] of snapshot.clusters) {
    if (!isClusterAllowed(key, cluster)) continue;
    for (const [name, spec] of commands) listed.push({ command: `${cluster}::${name}`, description: spec.description });
  }
  return listed.sort((a, b) => (a.command < b.command ? -1 : a.command > b.command ? 1 : 0));
}
