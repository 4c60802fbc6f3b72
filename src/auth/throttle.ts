// Counts failed authentications per source address and refuses an address that failed too
// often (code 1002) until its window has passed. Memory is bounded: old entries are dropped.

export interface ThrottleOptions {
  maxFailures: number; // failures within the window that block the address; 0 = never block
  windowMs: number;
  maxTracked?: number; // addresses remembered at most
}

interface Failures {
  count: number;
  windowStart: number;
}

export class FailureThrottle {
  private readonly failures = new Map<string, Failures>();
  private readonly maxTracked: number;

  constructor(
    private readonly options: ThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.maxTracked = options.maxTracked ?? 100_000;
  }

  // Whether this address is refused for now.
  isBlocked(address: string): boolean {
    if (this.options.maxFailures <= 0) return false;
    const entry = this.current(address);
    return entry !== null && entry.count >= this.options.maxFailures;
  }

  // Records one failed attempt from this address.
  recordFailure(address: string): void {
    if (this.options.maxFailures <= 0) return;
    const entry = this.current(address);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= this.maxTracked) this.dropOldest();
    this.failures.set(address, { count: 1, windowStart: this.now() });
  }

  private current(address: string): Failures | null {
    const entry = this.failures.get(address);
    if (!entry) return null;
    if (this.now() - entry.windowStart >= this.options.windowMs) {
      this.failures.delete(address);
      return null;
    }
    return entry;
  }

  // Maps iterate in insertion order: the first key is the oldest window.
  private dropOldest(): void {
    const oldest = this.failures.keys().next();
    if (!oldest.done) this.failures.delete(oldest.value);
  }
}
