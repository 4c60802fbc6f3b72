// The command's time limit (`timeout`, SPEC 5.2). execa's own `timeout` option is not used: it
// would kill only the group leader, and the whole group has to go.
import { setLongTimeout } from '../timers/index.js';

// Calls onTimeout once timeoutMs have passed (0 = no limit); returns a function that disarms it.
// Any length is honoured: past Node's 24.8-day timer range the wait is chained, not cut short.
export function armTimeout(timeoutMs: number, onTimeout: () => void): () => void {
  if (timeoutMs <= 0 || !Number.isFinite(timeoutMs)) return () => {};
  return setLongTimeout(onTimeout, timeoutMs);
}
