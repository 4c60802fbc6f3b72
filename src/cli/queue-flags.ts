// Flags of the durable queue (SPEC 9.1) shared by `agent --queue` and `send --queue`: how the
// streams are made when this command is the first to need them.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { durationOrExit } from './fleet-support.js';
import { exits, exitWith } from './exits.js';

export interface QueueFlags {
  queue: boolean;
  'result-retention'?: string | undefined;
  'queue-replicas': number;
}

// Adds --queue (described per command), --result-retention and --queue-replicas.
export function withQueueFlags<T>(y: Argv<T>, describeQueue: string): Argv<T & QueueFlags> {
  return y
    .option('queue', { type: 'boolean', default: false, describe: describeQueue })
    .option('result-retention', {
      type: 'string',
      describe: 'keep queued requests\' answers this long (USCMDRELAY_RESULTS); given, it also updates the stream',
      defaultDescription: '7d when the stream is created',
    })
    .option('queue-replicas', { type: 'number', default: 1, describe: 'JetStream replicas of the queue streams when they are created (3 on a 3-node cluster)' });
}

// The retention in ms, or null when not given (then an existing stream keeps its own).
export function resultRetentionOrExit(flags: QueueFlags): number | null {
  if (flags['result-retention'] === undefined) return null;
  const ms = durationOrExit('result-retention', flags['result-retention']);
  if (ms < 1000) exitWith(exits.USAGE, '--result-retention must be at least 1s');
  return ms;
}

export function replicasOrExit(flags: QueueFlags): number {
  const replicas = flags['queue-replicas'];
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) exitWith(exits.USAGE, '--queue-replicas must be a whole number from 1 to 5');
  return replicas;
}

// SPEC 10's state directory: /var/lib/uscmdrelay as root, else $XDG_STATE_HOME/uscmdrelay or
// ~/.local/state/uscmdrelay.
export function defaultStateDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/uscmdrelay';
  const xdg = process.env.XDG_STATE_HOME;
  return xdg !== undefined && xdg !== '' ? join(xdg, 'uscmdrelay') : join(homedir(), '.local', 'state', 'uscmdrelay');
}
