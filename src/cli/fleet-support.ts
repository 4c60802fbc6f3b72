// What the fleet's CLI commands share: flags for the broker, and start-up steps that end the
// process with a usage status (2) when they fail, as a bad flag does.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../log/index.js';
import { connectNats, natsServers } from '../fleet/connect.js';
import { parseDuration } from '../fleet/duration.js';
import { loadIdentity, type Identity } from '../fleet/identity.js';
import { exits, exitWith } from './exits.js';

// Reads an identity file; warnings (loose permissions) go to `warn`.
export function identityOrExit(file: string, warn: (message: string) => void): Identity {
  try {
    const { identity, warnings } = loadIdentity(file);
    for (const warning of warnings) warn(warning);
    return identity;
  } catch (error) {
    return exitWith(exits.USAGE, `cannot read identity ${file}: ${(error as Error).message}`);
  }
}

// A duration flag in milliseconds, or exit 2 naming the flag.
export function durationOrExit(flag: string, value: string | number): number {
  const ms = parseDuration(value);
  return ms === null ? exitWith(exits.USAGE, `--${flag}: not a duration: ${value}`) : ms;
}

export interface BrokerFlags {
  nats: string;
  'nats-creds'?: string | undefined;
}

// Connects a one-shot command (send, signal, wait); an unreachable broker is exit `status`.
export async function connectOrExit(flags: BrokerFlags, name: string, status: number, logger?: Logger): Promise<NatsConnection> {
  const servers = natsServers(flags.nats);
  if (servers.length === 0) return exitWith(exits.USAGE, '--nats: no server URL');
  try {
    return await connectNats({ servers, name, credsFile: flags['nats-creds'], persistent: false, logger });
  } catch (error) {
    return exitWith(status, `cannot connect to ${servers.join(',')}: ${(error as Error).message}`);
  }
}
