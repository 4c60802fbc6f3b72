// Counts requests on the road and tells when there are none left (for a draining shutdown).
import { EventEmitter } from 'node:events';
import { waitForEvent } from '../timers/index.js';

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

  // Resolves true once no request is on the road, or false when timeoutMs passes or `cut` aborts first.
  async idle(timeoutMs: number | null, cut?: AbortSignal): Promise<boolean> {
    return this.active === 0 || waitForEvent(this.events, 'idle', timeoutMs, cut);
  }

}
