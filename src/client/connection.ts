// Opens the TCP or TLS connection to the relay, with a deadline on connect and handshake.
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { setLongTimeout } from '../timers/index.js';
import { ClientError, classifyError } from './errors.js';
import type { ConnectionOptions } from './types.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7777;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

// The printable host:port the messages name.
export function targetOf(options: ConnectionOptions): string {
  const host = options.host ?? DEFAULT_HOST;
  return `${isIP(host) === 6 ? `[${host}]` : host}:${options.port ?? DEFAULT_PORT}`;
}

export function tlsSettings(options: ConnectionOptions, host: string): TlsConnectionOptions {
  const tls = typeof options.tls === 'object' ? options.tls : {};
  const settings: TlsConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized ?? true };
  if (tls.ca !== undefined) settings.ca = tls.ca;
  if (tls.cert !== undefined) settings.cert = tls.cert;
  if (tls.key !== undefined) settings.key = tls.key;
  // SNI must not be an IP address; the certificate check still uses host when it is one.
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
  if (servername !== undefined) settings.servername = servername;
  return settings;
}

// Resolves with a socket ready for the request, or rejects with a ClientError.
export function openConnection(options: ConnectionOptions): Promise<Socket> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  const target = targetOf(options);
  const useTls = options.tls !== undefined && options.tls !== false;
  const socket: Socket = useTls
    ? connectTls({ host, port, ...tlsSettings(options, host) })
    : connectTcp({ host, port });
  const readyEvent = useTls ? 'secureConnect' : 'connect';

  return new Promise((resolve, reject) => {
    let tcpUp = false;
    const clearTimer = setLongTimeout(
      () => fail(new ClientError('timeout', `cannot connect to ${target}: no ${useTls ? 'TLS handshake' : 'connection'} within ${options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms`)),
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    );
    const onAbort = () => fail(new ClientError('aborted', `call to ${target} aborted`));
    function cleanup(): void {
      clearTimer();
      options.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
    }
    function fail(error: ClientError): void {
      cleanup();
      socket.destroy();
      reject(error);
    }
    function onError(error: Error): void {
      fail(classifyError(error, target, tcpUp ? 'handshake' : 'connect'));
    }
    // A TLS peer that hangs up mid-handshake may close without an error event.
    function onClose(): void {
      fail(new ClientError(useTls && tcpUp ? 'tls' : 'connect', `connection to ${target} closed during ${useTls ? 'the TLS handshake' : 'connect'}`));
    }
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => (tcpUp = true));
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.once(readyEvent, () => {
      cleanup();
      resolve(socket);
    });
  });
}
