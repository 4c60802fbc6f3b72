// Open connections across every door of the daemon (`--max-connections`) and per source address
// (`--max-connections-per-address`): one source can never hold every slot (issue 9).
import { isIPv4 } from 'node:net';
import { KeyedCounts } from '../relay/index.js';

export interface ConnectionLimitOptions {
  maxConnections: number;
  maxPerAddress: number;
}

// The default per-address limit: an eighth of --max-connections (128 of 1024), at least 1. One
// busy source gets plenty for one-request-per-connection clients, and it takes at least eight
// sources to fill the daemon.
export function defaultMaxPerAddress(maxConnections: number): number {
  return Math.max(1, Math.ceil(maxConnections / 8));
}

// One form per source: `::ffff:127.0.0.1` (an IPv4 client of a dual-stack listener) is
// 127.0.0.1, IPv6 letters are lower case, and a zone (`%eth0`) does not make a new source.
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  const zone = lower.indexOf('%');
  const bare = zone === -1 ? lower : lower.slice(0, zone);
  if (bare.startsWith('::ffff:') && isIPv4(bare.slice(7))) return bare.slice(7);
  return bare;
}

export class ConnectionLimits {
  private readonly counts = new KeyedCounts();
  private readonly maxConnections: number;
  private readonly maxPerAddress: number;

  constructor(opts: ConnectionLimitOptions) {
    this.maxConnections = opts.maxConnections;
    this.maxPerAddress = opts.maxPerAddress;
  }

  // Admits one connection from address and returns the function that releases it (once), or
  // says which limit refused it.
  tryOpen(address: string): 'total' | 'address' | (() => void) {
    if (this.counts.total() >= this.maxConnections) return 'total';
    const key = normalizeAddress(address);
    if (this.counts.of(key) >= this.maxPerAddress) return 'address';
    return this.counts.take(key);
  }

  // Connections open now, across every door.
  open(): number {
    return this.counts.total();
  }
}

// What a 9001 answer adds to its message, whichever door refused: the per-address limit says so.
export function refusalDetail(which: 'total' | 'address'): string | undefined {
  return which === 'address' ? 'too many from this address' : undefined;
}

// What a door needs of the shared connection limits.
export type ConnectionGate = Pick<ConnectionLimits, 'tryOpen'>;
