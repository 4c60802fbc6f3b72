// A stream client that stops reading keeps the command's pipes paused (SPEC 2.3). Once the
// daemon has ended the command, that client must not keep the run, its concurrency slot and
// its answer open for ever: the gate lets the run stop waiting for it.
import type { OutputListener } from './types.js';

export interface ListenerGate {
  listener: OutputListener | null;
  // From now on events are dropped, and a wait for the listener already under way ends at once.
  abandon: () => void;
}

// Wraps the door's listener so that waiting for it can be abandoned.
export function gateListener(listener: OutputListener | null): ListenerGate {
  if (listener === null) return { listener: null, abandon: () => {} };
  let abandoned = false;
  let release = (): void => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    listener: (event) => {
      if (abandoned) return;
      const returned = listener(event);
      return returned instanceof Promise ? Promise.race([returned, released]) : returned;
    },
    abandon: () => {
      abandoned = true;
      release();
    },
  };
}
