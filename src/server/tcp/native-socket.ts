// Plain TCP connections accepted, read and written by the addon (native/tcp.c) instead of
// Node's net.Socket: the same door, without a Socket, two streams and their machinery per
// connection (README, Benchmarks). A NativeSocket is what the door uses of a net.Socket
// (DoorSocket), with the same events in the same order. TLS, Unix sockets and a daemon
// without the addon stay on net.Socket; USCMDRELAY_NODE_SOCKETS=1 keeps every connection there.
import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import { loadNativeAddon, type NativeAddon } from '../../native/addon.js';

// What the TCP door uses of a connection; a net.Socket is one.
export interface DoorSocket {
  readonly destroyed: boolean;
  readonly writableEnded: boolean; // end() was called
  readonly writableFinished: boolean; // and everything has reached the kernel
  readonly writableLength: number; // bytes not yet taken by the kernel
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  write(data: string | Uint8Array): boolean; // false: wait for 'drain'
  end(data?: string | Uint8Array): unknown;
  destroy(): unknown;
  setTimeout(ms: number, onTimeout?: () => void): unknown; // idle time, as net.Socket's
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end' | 'close' | 'finish' | 'drain', listener: () => void): unknown;
  once(event: 'end' | 'close' | 'finish' | 'drain', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

// Node's own default for a socket: write() says "wait for 'drain'" from this many queued bytes.
const HIGH_WATER_MARK = 16 * 1024;

// A connection of the addon, by its id (reused once closed).
export class NativeSocket extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  writableFinished = false;
  writableLength = 0;
  private readEnded = false;
  private needDrain = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly addon: NativeAddon,
    private readonly id: number,
    private readonly sockets: (NativeSocket | undefined)[],
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {
    super();
  }

  write(data: string | Uint8Array): boolean {
    if (this.destroyed || this.writableEnded) return false;
    const queued = this.addon.tcpWrite(this.id, data);
    if (typeof queued === 'string') {
      this.addon.tcpDestroy(this.id);
      this.closed(errorWithCode('write', queued));
      return false;
    }
    this.touched();
    this.writableLength = queued;
    if (queued < HIGH_WATER_MARK) return true;
    this.needDrain = true;
    return false;
  }

  end(data?: string | Uint8Array): this {
    if (this.destroyed || this.writableEnded) return this;
    if (data !== undefined) this.write(data);
    if (this.destroyed) return this;
    this.writableEnded = true;
    if (this.addon.tcpEnd(this.id) === 1) process.nextTick(() => this.finished());
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.addon.tcpDestroy(this.id);
    this.closed(null);
    return this;
  }

  // Node's idle timeout: 'timeout' once nothing was read or written for `ms` (0: off).
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.stopIdleTimer();
    if (onTimeout !== undefined) this.once('timeout', onTimeout);
    // Unref'd, as net.Socket's: an idle connection's timer does not keep the process up.
    if (ms > 0 && !this.destroyed) this.idleTimer = setTimeout(() => this.emit('timeout'), ms).unref();
    return this;
  }

  // ---- from the addon ----

  received(chunk: Buffer): void {
    this.touched();
    this.emit('data', chunk);
  }

  peerEnded(): void {
    this.readEnded = true;
    this.emit('end');
    if (this.writableFinished) this.destroy();
  }

  written(): void {
    this.touched();
    this.writableLength = 0;
    if (this.writableEnded) return this.finished();
    if (!this.needDrain) return;
    this.needDrain = false;
    this.emit('drain');
  }

  // The addon closed it after a failed read, or a failed write of what was queued.
  broke(code: string, syscall: 'read' | 'write'): void {
    if (this.destroyed) return;
    this.closed(errorWithCode(syscall, code));
  }

  // ---- inside ----

  private finished(): void {
    if (this.destroyed || this.writableFinished) return;
    this.writableFinished = true;
    this.emit('finish');
    // Both ways done: nothing more can happen on it (Node's allowHalfOpen does the same).
    if (this.readEnded) this.destroy();
  }

  private closed(error: Error | null): void {
    this.destroyed = true;
    this.sockets[this.id] = undefined;
    this.stopIdleTimer();
    // As net.Socket does: 'error' then 'close', on a later tick than the call that ended it.
    process.nextTick(() => {
      if (error !== null && this.listenerCount('error') > 0) this.emit('error', error);
      this.emit('close', error !== null);
    });
  }

  private touched(): void {
    this.idleTimer?.refresh();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

// As net.Socket's: "read ECONNRESET", with the errno name as its code.
function errorWithCode(syscall: 'read' | 'write', code: string): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall });
}

// Takes accepting over from a Node server that has just started listening on plain TCP: the
// addon accepts on a duplicate of its socket and the server closes its own. Null (the server
// goes on as it is) without the addon, with USCMDRELAY_NODE_SOCKETS set, or on anything but a
// TCP socket.
export function acceptNatively(server: Server, onConnection: (socket: NativeSocket) => void): { stop(): void } | null {
  const addon = loadNativeAddon();
  if (addon === null || process.env.USCMDRELAY_NODE_SOCKETS) return null;
  const address = server.address();
  // The listening handle's descriptor: not in Node's documented API, so checked, not assumed.
  const fd = (server as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof address !== 'object' || address === null || typeof fd !== 'number' || fd < 0) return null;
  const sockets: (NativeSocket | undefined)[] = [];
  const native = addon.tcpServe(
    fd,
    (id, remoteAddress, remotePort) => {
      const socket = new NativeSocket(addon, id, sockets, remoteAddress, remotePort);
      sockets[id] = socket;
      onConnection(socket);
    },
    (id, chunk) => sockets[id]?.received(chunk),
    (id) => sockets[id]?.peerEnded(),
    (id) => sockets[id]?.written(),
    (id, code, syscall) => sockets[id]?.broke(code, syscall),
  );
  server.close();
  return { stop: () => addon.tcpStopServe(native) };
}
