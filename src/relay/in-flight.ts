// Counts requests on the road and tells when there are none left (for a draining shutdown).
import { EventEmitter, once } from 'node:events';
import { setLongTimeout } from '../timers/index.js';

export class InFlight {
  private active = 0;
  private finished = 0;
  private readonly events = new EventEmitter();

  // Marks one request as on the road; call the returned function when it leaves.
  enter(): () => void {
    this.active += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.active -= 1;
      this.finished += 1;
      if (this.active === 0) this.events.emit('idle');
    };
  }

  count(): number {
    return this.active;
  }

  // How many requests have left the road since the start (answered, whatever the code).
  served(): number {
    return this.finished;
  }

  // Resolves true once no request is on the road, or false when timeoutMs passes first.
  async idle(timeoutMs: number | null): Promise<boolean> {
    if (this.active === 0) return true;
    const timedOut = new AbortController();
    const disarm = timeoutMs === null ? () => {} : setLongTimeout(() => timedOut.abort(), timeoutMs);
    try {
      await once(this.events, 'idle', { signal: timedOut.signal });
      return true;
    } catch {
      return false;
    } finally {
      disarm();
    }
  }
}
