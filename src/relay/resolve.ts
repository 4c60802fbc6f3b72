// Stage: the command a request names, in the request's snapshot.
import type { CommandSpec, ConfigSnapshot } from '../config/index.js';
import { RelayError } from '../protocol/index.js';

const DEFAULT_CLUSTER = 'default';

export interface CommandName {
  cluster: string;
  name: string;
}

// `name` is in cluster `default`; `cluster::name` splits at the first `::`.
export function splitCommand(command: string): CommandName {
  const at = command.indexOf('::');
  return at === -1 ? { cluster: DEFAULT_CLUSTER, name: command } : { cluster: command.slice(0, at), name: command.slice(at + 2) };
}

// Fails with 2000 or 2001. Names are matched exactly, as the original did (SPEC 2.1; README,
// Migration): plain `name = line` entries are stored lower-case (configparser's optionxform),
// so `UPTIME` is 2001.
export function resolve(snapshot: ConfigSnapshot, { cluster, name }: CommandName): CommandSpec {
  const commands = snapshot.clusters.get(cluster);
  if (!commands) throw new RelayError('UNKNOWN_CLUSTER', cluster);
  const command = commands.get(name);
  if (!command) throw new RelayError('UNKNOWN_COMMAND', `${cluster}::${name}`);
  return command;
}
