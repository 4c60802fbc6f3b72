// Stages: authorize the cluster, then resolve the command in it.
import { isClusterAllowed } from '../auth/index.js';
import type { CommandSpec } from '../config/index.js';
import type { Logger } from '../log/index.js';
import { RelayError } from '../protocol/index.js';
import type { RoadContext } from './context.js';
import { remoteOf } from './remote.js';

export const DEFAULT_CLUSTER = 'default';

// `name` is in cluster `default`; `cluster::name` splits at the first `::`.
export function splitCommand(command: string): { cluster: string; name: string } {
  const at = command.indexOf('::');
  return at === -1 ? { cluster: DEFAULT_CLUSTER, name: command } : { cluster: command.slice(0, at), name: command.slice(at + 2) };
}

// Authorization comes before lookup so an unauthorized caller learns nothing of what exists.
export function resolveCommand(context: RoadContext, logger: Logger): CommandSpec {
  const { key, snapshot } = context;
  const { cluster, name } = splitCommand(context.request?.command ?? '');
  if (!key || !isClusterAllowed(key, cluster)) {
    logger.warn(
      { request_id: context.requestId, remote: remoteOf(context.caller), key: key?.label, requested: context.request?.command, reason: 'key not allowed this cluster' },
      'authentication failed',
    );
    throw new RelayError('AUTH_FAILED');
  }
  const commands = snapshot.clusters.get(cluster);
  if (!commands) throw new RelayError('UNKNOWN_CLUSTER', cluster);
  // Names are matched exactly, as the original did (SPEC 2.1; README, Migration): plain
  // `name = line` entries are stored lower-case (configparser's optionxform), so `UPTIME` is 2001.
  const command = commands.get(name);
  if (!command) throw new RelayError('UNKNOWN_COMMAND', `${cluster}::${name}`);
  return command;
}
