// The TCP (or TLS) listener: connection limits from accept, TLS handshakes, and a clean stop.
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket, type TlsOptions } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log/index.js';
import { encodeLine } from '../protocol/index.js';
import type { Caller, Relay } from '../relay/index.js';
import { setLongTimeout } from '../timers/index.js';
import { serveConnection, type ConnectionBounds } from './connection.js';
import type { ConnectionLimits } from './connection-limits.js';

export interface ServerOptions extends ConnectionBounds {
  host: string;
  port: number;
  tls: TlsOptions | null; // cert/key (and ca for mutual TLS); null = plain TCP
  limits: ConnectionLimits; // shared by every door of the daemon
}

export interface RelayServer {
  host: string;
  port: number;
  // Stops accepting new connections; open ones go on.
  stopAccepting(): void;
  // Waits up to timeoutMs for open connections to finish their answers, then ends the rest.
  closeConnections(timeoutMs: number): Promise<void>;
}

// How long a refused connection may take to get its 9001 (and, on TLS, its handshake).
const REFUSED_LINGER_MS = 1000;

// Starts listening; resolves once bound (the real port when port is 0).
export async function startRelayServer(options: ServerOptions, relay: Relay, logger: Logger): Promise<RelayServer> {
  // Accepted sockets, counted from accept whatever happens to them later (TLS or not).
  const sockets = new Set<Socket>();
  const transport: Caller['transport'] = options.tls ? 'tls' : 'tcp';
  const secureContext = options.tls ? createSecureContext(options.tls) : null;
  const requestCert = options.tls?.requestCert === true;

  // Wraps an accepted socket in TLS; calls onSecure once the handshake is done. Any TLS error,
  // an end before the handshake, or the deadline destroys the socket: nothing lingers.
  function startTls(raw: Socket, caller: Caller, deadlineMs: number, onSecure: (socket: TLSSocket) => void): void {
    if (secureContext === null) return;
    const socket = new TLSSocket(raw, { isServer: true, secureContext, requestCert, rejectUnauthorized: requestCert });
    const disarm = setLongTimeout(() => fail('no TLS handshake in time'), deadlineMs);
    let secure = false;
    function fail(reason: string): void {
      disarm();
      if (!socket.destroyed) logger.warn({ remote: caller.remoteAddress, reason }, 'TLS handshake failed');
      socket.destroy();
      raw.destroy();
    }
    socket.on('error', (error) => {
      if (!secure) return fail(error.message);
      logger.debug({ remote: caller.remoteAddress, err: error.message }, 'connection error');
      socket.destroy();
    });
    socket.on('end', () => {
      if (!secure) fail('closed before the TLS handshake');
    });
    socket.on('close', () => {
      disarm();
      raw.destroy();
    });
    socket.once('secure', () => {
      secure = true;
      disarm();
      // OpenSSL refuses a missing or untrusted client certificate during the handshake; this
      // only makes sure nothing unverified is ever served.
      if (requestCert && !socket.authorized) return fail(String(socket.authorizationError ?? 'client certificate not verified'));
      onSecure(socket);
    });
  }

  function refuse(raw: Socket, caller: Caller, which: 'total' | 'address'): void {
    const answer = encodeLine(which === 'total' ? relay.reject('TOO_MANY_CONNECTIONS', caller) : relay.reject('TOO_MANY_CONNECTIONS', caller, 'too many from this address'));
    raw.on('error', () => {});
    raw.setTimeout(REFUSED_LINGER_MS, () => raw.destroy());
    if (secureContext === null) {
      raw.end(answer);
      return;
    }
    startTls(raw, caller, REFUSED_LINGER_MS, (socket) => {
      socket.on('error', () => {});
      socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
      socket.end(answer);
    });
  }

  function onConnection(raw: Socket): void {
    const caller: Caller = {
      remoteAddress: raw.remoteAddress ?? '',
      remotePort: raw.remotePort ?? 0,
      transport,
    };
    const admitted = options.limits.tryOpen(caller.remoteAddress);
    if (typeof admitted === 'string') return refuse(raw, caller, admitted);
    sockets.add(raw);
    raw.on('close', () => {
      sockets.delete(raw);
      admitted();
    });
    raw.on('error', (error) => logger.debug({ remote: caller.remoteAddress, err: error.message }, 'connection error'));
    if (secureContext === null) return serveConnection(raw, caller, relay, options, logger);
    // The handshake spends the request's time: --request-timeout bounds both together.
    const acceptedAt = performance.now();
    startTls(raw, caller, options.requestTimeoutMs, (socket) => {
      const left = Math.max(1, options.requestTimeoutMs - (performance.now() - acceptedAt));
      serveConnection(socket, caller, relay, { ...options, requestTimeoutMs: left }, logger);
    });
  }

  const server: Server = createTcpServer({ allowHalfOpen: true }, onConnection);
  server.on('error', (error) => logger.error({ err: error }, 'listener error'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
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

