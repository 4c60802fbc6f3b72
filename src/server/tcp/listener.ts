// The TCP (or TLS) listener: connection limits from accept, TLS handshakes, and a clean stop.
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { TLSSocket, TlsOptions } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import { MemberList } from '../../collections/index.js';
import type { Door } from '../../host/index.js';
import type { Logger } from '../../log/index.js';
import { encodeLine, RelayError } from '../../protocol/index.js';
import { formatRemote, remoteOf, type Caller, type Relay } from '../../relay/index.js';
import { setLongTimeout } from '../../timers/index.js';
import { serveConnection, type ConnectionBounds } from './connection.js';
import { acceptNatively, type DoorSocket } from './native-socket.js';
import { refusalDetail, type ConnectionGate } from '../connection-limits.js';

export interface ServerOptions extends ConnectionBounds {
  host: string;
  port: number;
  tls: TlsOptions | null; // cert/key (and ca for mutual TLS); null = plain TCP
  connections: ConnectionGate; // shared by every door of the daemon
  fd?: number | undefined; // an already listening socket (systemd socket activation) instead of host/port
}

// A door of the host: stopAccepting() stops accepting new connections (open ones go on);
// close() waits up to timeoutMs for open connections to finish their answers, then ends the rest.
export interface RelayServer extends Door {
  host: string;
  port: number;
  sockets: 'native' | 'node'; // who accepts, reads and writes its plain TCP connections
}

// How long a refused connection may take to get its 9001 (and, on TLS, its handshake).
const REFUSED_LINGER_MS = 1000;

interface Handshake {
  caller: Caller;
  acceptedAt: number; // performance.now()
  refused: 'total' | 'address' | null; // answered 9001 once secure
  disarm: () => void; // the handshake deadline
}

// Starts listening; resolves once bound (the real port when port is 0).
export async function startRelayServer(options: ServerOptions, relay: Relay, logger: Logger): Promise<RelayServer> {
  // Accepted sockets, counted from accept whatever happens to them later (TLS or not).
  const sockets = new MemberList<DoorSocket>();
  const transport: Caller['transport'] = options.tls ? 'tls' : 'tcp';
  // TLS connections between accept and the end of their handshake, by remote address:port.
  const handshaking = new Map<string, Handshake>();

  function refusal(caller: Caller, which: 'total' | 'address'): string {
    return encodeLine(relay.reject(new RelayError('TOO_MANY_CONNECTIONS', refusalDetail(which)), caller));
  }

  // Node's TLS server does the handshake and the certificate checks; the sockets are accepted
  // here, so that each counts from accept. A TLS error destroys the socket; so does the deadline.
  // Its own handshake timer is off (0): the deadline below, from accept, is the one that counts.
  // node:tls only when TLS is configured: a plain daemon does not carry it (RSS at rest).
  const tlsServer = options.tls ? process.getBuiltinModule('node:tls').createServer({ ...options.tls, handshakeTimeout: 0 }) : null;
  tlsServer?.on('tlsClientError', (error, socket) => {
    logger.warn({ remote: formatRemote(socket.remoteAddress, socket.remotePort), reason: error.message }, 'TLS handshake failed');
    socket.destroy();
  });
  tlsServer?.on('secureConnection', (socket: TLSSocket) => {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    const handshake = handshaking.get(key);
    if (handshake === undefined) return socket.destroy();
    handshaking.delete(key);
    handshake.disarm();
    // Until now an end destroyed the socket (a FIN before the handshake left it in CLOSE-WAIT
    // for good); from here on a client may half-close after its request (SPEC 2).
    socket.allowHalfOpen = true;
    if (handshake.refused !== null) {
      socket.on('error', () => {});
      socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
      socket.end(refusal(handshake.caller, handshake.refused));
      return;
    }
    const left = Math.max(1, options.requestTimeoutMs - (performance.now() - handshake.acceptedAt));
    serveConnection(socket, handshake.caller, relay, { ...options, requestTimeoutMs: left }, logger);
  });

  // Hands an accepted socket to the TLS server, destroyed if its handshake is not done in time.
  function startTls(raw: Socket, caller: Caller, deadlineMs: number, refused: Handshake['refused']): void {
    const key = `${caller.remoteAddress}:${caller.remotePort}`;
    const disarm = setLongTimeout(() => {
      logger.warn({ remote: remoteOf(caller), reason: 'no TLS handshake in time' }, 'TLS handshake failed');
      raw.destroy();
    }, deadlineMs);
    handshaking.set(key, { caller, acceptedAt: performance.now(), refused, disarm });
    raw.on('close', () => {
      disarm();
      if (handshaking.get(key)?.disarm === disarm) handshaking.delete(key);
    });
    tlsServer?.emit('connection', raw);
  }

  // A TLS connection, from accept to its handshake's deadline (the request's own time, or the
  // refusal's linger), and the refusal it then gets, if any.
  type Secure = (deadlineMs: number, refused: Handshake['refused']) => void;

  // Counts a new connection against the limits, then serves it, or secures it first.
  function admit(raw: DoorSocket, caller: Caller, secure: Secure | null): void {
    const admitted = options.connections.tryOpen(caller.remoteAddress);
    // One debug line a failed connection: serveConnection logs the errors of the socket it
    // serves; a refused connection's, and a TLS connection's raw socket's, are logged here.
    if (typeof admitted === 'string' || secure !== null) {
      raw.on('error', (error) => logger.debug({ remote: remoteOf(caller), err: error.message }, 'connection error'));
    }
    if (typeof admitted === 'string') {
      // Not counted, so bounded tightly: the 9001 answer, then closed.
      if (secure !== null) return secure(REFUSED_LINGER_MS, admitted);
      raw.setTimeout(REFUSED_LINGER_MS, () => raw.destroy());
      raw.end(refusal(caller, admitted));
      return;
    }
    sockets.add(raw);
    raw.on('close', () => {
      sockets.delete(raw);
      admitted();
    });
    // The handshake spends the request's time: --request-timeout bounds both together.
    if (secure !== null) return secure(options.requestTimeoutMs, null);
    serveConnection(raw, caller, relay, options, logger);
  }

  function callerOf(raw: DoorSocket): Caller {
    return { remoteAddress: raw.remoteAddress ?? '', remotePort: raw.remotePort ?? 0, transport };
  }

  function onConnection(raw: Socket): void {
    const caller = callerOf(raw);
    admit(raw, caller, tlsServer === null ? null : (deadlineMs, refused) => startTls(raw, caller, deadlineMs, refused));
  }

  // Plain TCP keeps half-open connections (nc -N); TLS ones only once the handshake is done.
  const server: Server = createTcpServer({ allowHalfOpen: tlsServer === null }, onConnection);
  // A failure to bind is the caller's start-up error (one line, exit 2), not a log line.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.fd === undefined ? { host: options.host, port: options.port } : { fd: options.fd }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'listener error'));
  // A passed socket may be a Unix one (ListenStream=/path): its address is the path, port 0.
  const address: AddressInfo | string | null = server.address();
  const host = typeof address === 'string' ? address : (address?.address ?? '');
  const port = typeof address === 'string' ? 0 : (address?.port ?? 0);
  // Plain TCP: the addon accepts from here on, when it can (native-socket.ts).
  const native = tlsServer === null ? acceptNatively(server, (raw) => admit(raw, callerOf(raw), null)) : null;
  return {
    host,
    port,
    sockets: native === null ? 'node' : 'native',
    label: `listening on ${host}:${port}`,
    stopAccepting: () => {
      if (native === null) server.close();
      else native.stop();
    },
    close: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (sockets.size > 0 && Date.now() < deadline) await delay(20);
      for (const socket of sockets.values()) socket.destroy();
    },
  };
}

