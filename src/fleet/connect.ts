// Connections to the broker: every fleet process dials out (no port is opened on a host).
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../log/index.js';

export interface ConnectOptions {
  servers: string[]; // one or more URLs of one NATS cluster
  name: string; // shown by the broker's monitoring
  credsFile?: string | undefined; // NATS .creds file (JWT + nkey seed)
  // Agents keep trying forever, including before the broker first comes up;
  // one-shot commands (send, signal, wait) fail fast when the broker cannot be reached.
  persistent: boolean;
  logger?: Logger | undefined;
}

// Splits `--nats URL[,URL…]` (the option may also be repeated).
export function natsServers(option: string | string[]): string[] {
  const values = Array.isArray(option) ? option : [option];
  return values.flatMap((value) => value.split(',')).map((url) => url.trim()).filter((url) => url !== '');
}

// Connects with reconnection forever and logs the connection's ups and downs.
export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const connection = await connect({
    servers: options.servers,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 5000,
    maxPingOut: 2,
    waitOnFirstConnect: options.persistent,
    ...(options.credsFile ? { authenticator: credsAuthenticator(readFileSync(options.credsFile)) } : {}),
  });
  if (options.logger) void watchStatus(connection, options.logger);
  return connection;
}

async function watchStatus(connection: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of connection.status()) {
    if (status.type === 'disconnect') logger.warn({ server: status.server }, 'broker connection lost; reconnecting');
    else if (status.type === 'reconnect') logger.info({ server: status.server }, 'broker connection restored');
    else if (status.type === 'error') logger.error({ err: status.error }, 'broker error');
  }
}
