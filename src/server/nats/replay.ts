// The replay cache of an agent: nonces accepted within the skew window. A message older than
// the window is refused by its timestamp, so a nonce need only be kept until then.

export class ReplayCache {
  private readonly seen = new Map<string, number>(); // nonce -> when it may be forgotten (ms)

  constructor(private readonly maxEntries: number) {}

  // Records a nonce unless it was seen; false = replay, or the cache is full of live nonces
  // (refusing is safer than forgetting one that could then be replayed).
  remember(nonce: string, forgetAt: number, now: number): 'fresh' | 'replay' | 'full' {
    const until = this.seen.get(nonce);
    if (until !== undefined && until >= now) return 'replay';
    if (this.seen.size >= this.maxEntries) this.prune(now);
    if (this.seen.size >= this.maxEntries) return 'full';
    this.seen.set(nonce, forgetAt);
    return 'fresh';
  }

  // Drops every nonce whose window is over.
  prune(now: number): void {
    for (const [nonce, until] of this.seen) if (until < now) this.seen.delete(nonce);
  }

  size(): number {
    return this.seen.size;
  }
}
