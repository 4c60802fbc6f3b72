// How log lines name the client (SPEC 4): `ip:port` always, `[v6]:port` for IPv6.
import type { Caller } from './types.js';

export function formatRemote(address: string | undefined, port: number | undefined): string {
  const host = address ?? '';
  return `${host.includes(':') ? `[${host}]` : host}:${port ?? 0}`;
}

// The caller's `remote` field; a fleet request has no address of its own (the broker relays it).
export function remoteOf(caller: Caller): string | undefined {
  return caller.transport === 'nats' ? undefined : formatRemote(caller.remoteAddress, caller.remotePort);
}
