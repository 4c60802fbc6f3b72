// Cancellation at shutdown and the client going away both arrive as StopSignals from outside
// (an AbortSignal is one too).
import type { StopSignal } from './stop-switch.js';

// Calls onAbort once when the signal aborts (at once if it already has); returns a function
// that stops listening, so a long-lived signal does not collect listeners from finished runs.
export function onAbort(signal: StopSignal | null, onAborted: () => void): () => void {
  if (signal === null) return () => {};
  if (signal.aborted) {
    onAborted();
    return () => {};
  }
  signal.addEventListener('abort', onAborted, { once: true });
  return () => signal.removeEventListener('abort', onAborted);
}
