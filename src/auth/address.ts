// Source-address checks against a key's `allow_from` list.
import { isIPv4, isIPv6 } from 'node:net';
import type { KeyEntry } from '../config/index.js';

// Whether the key may be used from this address. IPv4 clients on a dual-stack socket arrive as
// `::ffff:a.b.c.d`; they are checked as the IPv4 address they are.
export function isAddressAllowed(entry: KeyEntry, address: string): boolean {
  if (entry.allowFrom === null) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return entry.allowFrom.check(mapped, 'ipv4') || entry.allowFrom.check(address, 'ipv6');
  if (isIPv4(address)) return entry.allowFrom.check(address, 'ipv4');
  if (isIPv6(address)) return entry.allowFrom.check(address, 'ipv6');
  return false;
}
