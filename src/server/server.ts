// The TCP (or TLS) listener: connection limit, TLS handshakes, and a clean stop.
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log/index.js';
import { encodeLine } from '../protocol/index.js';
import { formatRemote, type Caller, type Relay } from '../relay/index.js';
import { serveConnection, type ConnectionLimits } from './connection.js';

export interface ServerOptions extends ConnectionLimits {
  host: string;
  port: number;
  maxConnections: number;
  tls: TlsOptions | null; // cert/key (and ca for mutual TLS); null = plain TCP
}

export interface RelayServer {
  host: string;
  port: number;
  // Stops accepting new connections; open ones go on.
  stopAccepting(): void;
  // Waits up to timeoutMs for open connections to finish their answers, then ends the rest.
  closeConnections(timeoutMs: number): Promise<void>;
}

// Starts listening; resolves once bound (the real port when port is 0).
export async function startRelayServer(options: ServerOptions, relay: Relay, logger: Logger): Promise<RelayServer> {
  const sockets = new Set<Socket>();
  const transport: Caller['transport'] = options.tls ? 'tls' : 'tcp';

  function onConnection(socket: Socket): void {
    const caller: Caller = {
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      transport,
    };
    if (sockets.size >= options.maxConnections) {
      socket.on('error', () => {});
      socket.end(encodeLine(relay.reject('TOO_MANY_CONNECTIONS', caller)));
      socket.setTimeout(1000, () => socket.destroy());
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, caller, relay, options, logger);
  }

  const server: Server = options.tls
    ? createTlsServer({ ...options.tls, allowHalfOpen: true, handshakeTimeout: options.requestTimeoutMs }, onConnection).on(
        'tlsClientError',
        (error, socket) => {
          logger.warn({ remote: formatRemote(socket.remoteAddress, socket.remotePort), reason: error.message }, 'TLS handshake failed');
        },
      )
    : createTcpServer({ allowHalfOpen: true }, onConnection);
  // A failure to bind is the caller's start-up error (one line, exit 2), not a log line.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'listener error'));
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    stopAccepting: () => {
      server.close();
    },
    closeConnections: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (sockets.size > 0 && Date.now() < deadline) await delay(20);
      for (const socket of sockets) socket.destroy();
    },
  };
}
