// "Stop this run" from outside (the daemon shutting down, the client going away), without an
// AbortController per request: a run adds one listener and removes it when it ends, and nothing
// is allocated unless something listens. An AbortSignal fits the same StopSignal shape.
import { MemberList } from '../collections/index.js';

export interface StopSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

// A StopSignal that its owner trips once. Any number of listeners, in a MemberList: a
// long-lived switch (the daemon's shutdown) neither warns past 10 listeners nor keeps the runs
// that have stopped listening alive in the young generation. A listener added twice is called
// twice (each run adds its own).
export class StopSwitch implements StopSignal {
  #aborted = false;
  #listeners: MemberList<() => void> | null = null;

  get aborted(): boolean {
    return this.#aborted;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.#aborted) (this.#listeners ??= new MemberList()).add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners?.delete(listener);
  }

  // Trips the switch: every listener is called once; later listeners never are.
  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = this.#listeners;
    this.#listeners = null;
    if (listeners !== null) for (const listener of listeners.values()) listener();
  }
}

// A switch tripped by whichever of the signals trips first (a job: the daemon's shutdown or its
// own cancel). dispose() takes its listeners off the signals once the run is over.
export function stopOnAny(...signals: StopSignal[]): { stop: StopSwitch; dispose: () => void } {
  const stop = new StopSwitch();
  const trip = (): void => stop.abort();
  for (const signal of signals) {
    if (signal.aborted) stop.abort();
    else signal.addEventListener('abort', trip, { once: true });
  }
  return { stop, dispose: () => signals.forEach((signal) => signal.removeEventListener('abort', trip)) };
}
