// Open connections counted across every door (TCP, TLS, HTTP): a total and a per-address limit.
// The daemon makes ONE instance and hands it to each door.

export interface ConnectionLimitOptions {
  maxConnections: number;
  maxPerAddress: number;
}

export class ConnectionLimits {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly opts: ConnectionLimitOptions) {}

  // Admits one connection and returns the function that releases it (once), or names the
  // limit that refused it.
  tryOpen(address: string): 'total' | 'address' | (() => void) {
    if (this.total >= this.opts.maxConnections) return 'total';
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (fromAddress >= this.opts.maxPerAddress) return 'address';
    this.total += 1;
    this.perAddress.set(address, fromAddress + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left === 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
    };
  }
}

// What a door needs of the shared connection limits.
export type ConnectionGate = Pick<ConnectionLimits, 'tryOpen'>;
