// Counts requests on the road and tells when there are none left (for a draining shutdown).
import { EventEmitter, once } from 'node:events';

export class InFlight {
  private active = 0;
  private readonly events = new EventEmitter();

  // Marks one request as on the road; call the returned function when it leaves.
  enter(): () => void {
    this.active += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.active -= 1;
      if (this.active === 0) this.events.emit('idle');
    };
  }

  count(): number {
    return this.active;
  }

  // Resolves true once no request is on the road, or false when timeoutMs passes or `cut` aborts first.
  async idle(timeoutMs: number | null, cut?: AbortSignal): Promise<boolean> {
    if (this.active === 0) return true;
    const signals = [...(timeoutMs === null ? [] : [AbortSignal.timeout(timeoutMs)]), ...(cut === undefined ? [] : [cut])];
    const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
    try {
      await once(this.events, 'idle', { signal });
      return true;
    } catch {
      return false;
    }
  }
}
