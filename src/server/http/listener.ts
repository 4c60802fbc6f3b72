// The HTTP door's listener: node's http (or https) server under fastify, with the TCP door's
// limits — connections counted in the shared ConnectionLimits, the request timeout covering
// headers dribbled byte by byte (slowloris), the request size — and a drain that keeps
// /healthz answering 503 until the road is empty.
import { once } from 'node:events';
import { createServer as createHttpServer, ServerResponse, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import { MemberList } from '../../collections/index.js';
import type { Door } from '../../host/index.js';
import type { Logger } from '../../log/index.js';
import { RelayError, type CodeName, type RelayResponse } from '../../protocol/index.js';
import { formatRemote, type Relay } from '../../relay/index.js';
import { refusalDetail, type ConnectionGate } from '../connection-limits.js';
import { createHttpApp, type HttpAppOptions } from './app.js';
import { callerOf } from './request-parts.js';
import { httpStatusOf } from './status.js';

export interface HttpServerOptions extends Omit<HttpAppOptions, 'relay' | 'logger' | 'draining' | 'onClientError' | 'answeredEarly'> {
  host: string;
  port: number;
  requestTimeoutMs: number;
  connections: ConnectionGate; // shared with every other door
  tls: TlsOptions | null;
  fd?: number | undefined; // an already listening socket (systemd socket activation) instead of host/port
}

// A door of the host. From SIGTERM on (stopAccepting), /healthz answers 503 and answers carry
// `Connection: close`, still listening; close() stops listening and waits up to timeoutMs for
// open connections to finish, then ends them.
export interface HttpServer extends Door {
  host: string;
  port: number;
}

// A relay answer written straight on a socket the HTTP parser cannot serve (connection limit,
// request timeout, bad framing), then the connection ends.
function writeRawAnswer(socket: Socket, response: RelayResponse): void {
  if (!socket.writable) return;
  const status = httpStatusOf(response.code);
  const body = JSON.stringify(response);
  socket.end(
    `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.setTimeout(1000, () => socket.destroy());
}

function statusText(status: number): string {
  return { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Content Too Large', 429: 'Too Many Requests' }[status] ?? 'Error';
}

// The response node's parser has started on this connection, if any (`socket._httpMessage`).
function responseOf(socket: Socket): ServerResponse | null {
  const message: unknown = Reflect.get(socket, '_httpMessage');
  return message instanceof ServerResponse ? message : null;
}

function clientErrorCode(error: Error & { code?: string }): CodeName {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'REQUEST_TOO_LARGE';
  return 'MALFORMED';
}

export async function startHttpServer(options: HttpServerOptions, relay: Relay, logger: Logger): Promise<HttpServer> {
  let draining = false;
  const sockets = new MemberList<Socket>();
  const timeout = options.requestTimeoutMs;

  const answeredEarly = new WeakSet<Socket>();
  const onClientError = (error: Error & { code?: string }, socket: Socket): void => {
    // Answered already (node reports the same dead connection more than once), or gone.
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable || answeredEarly.has(socket)) return;
    // An answer already under way on this connection cannot be followed by another: just end it.
    if (responseOf(socket)?.headersSent === true) {
      socket.destroy();
      return;
    }
    // Headers in, body still dribbling: the route waits on the body; it must not answer again.
    answeredEarly.add(socket);
    writeRawAnswer(socket, relay.reject(new RelayError(clientErrorCode(error)), callerOf(socket)));
  };
  const app = createHttpApp({ ...options, relay, logger, draining: () => draining, onClientError, answeredEarly: (socket) => answeredEarly.has(socket) }, (handler) => {
    const settings = {
      // The whole request, headers included, within --request-timeout; checked often enough
      // that a dribbling client is cut close to it.
      requestTimeout: timeout,
      headersTimeout: timeout,
      connectionsCheckingInterval: timeout > 0 ? Math.max(50, Math.min(1000, Math.floor(timeout / 4))) : 30_000,
      keepAliveTimeout: 5000,
      maxHeaderSize: 16 * 1024,
    };
    const onRequest = (request: IncomingMessage, response: ServerResponse): void => handler(request, response);
    return options.tls ? createHttpsServer({ ...options.tls, ...settings, handshakeTimeout: timeout || 120_000 }, onRequest) : createHttpServer(settings, onRequest);
  });
  const httpServer = app.server; // the one serverFactory made

  // Counted when the connection is usable: after the TLS handshake for https.
  httpServer.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    const caller = callerOf(socket);
    const release = options.connections.tryOpen(caller.remoteAddress);
    if (typeof release !== 'function') {
      socket.on('error', () => {});
      writeRawAnswer(socket, relay.reject(new RelayError('TOO_MANY_CONNECTIONS', refusalDetail(release)), caller));
      return;
    }
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      release();
    });
  });
  if (options.tls) {
    httpServer.on('tlsClientError', (error: Error, socket: Socket) => {
      logger.warn({ remote: formatRemote(socket.remoteAddress, socket.remotePort), transport: 'http', reason: error.message }, 'TLS handshake failed');
    });
  }

  if (options.fd === undefined) await app.listen({ host: options.host, port: options.port });
  else {
    await app.ready();
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen({ fd: options.fd }, () => {
        httpServer.removeListener('error', reject);
        resolve();
      });
    });
  }
  const address = httpServer.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    label: `HTTP on ${address.address}:${address.port}`,
    stopAccepting() {
      draining = true;
    },
    async close(timeoutMs) {
      httpServer.close();
      httpServer.closeIdleConnections();
      const deadline = Date.now() + timeoutMs;
      while (sockets.size > 0 && Date.now() < deadline) {
        httpServer.closeIdleConnections();
        await delay(20);
      }
      for (const socket of sockets.values()) socket.destroy();
      if (httpServer.listening) await once(httpServer, 'close');
    },
  };
}
