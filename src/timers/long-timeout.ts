// Timers armed from user or configuration input (a request's `timeout`, `--timeout`,
// `--request-timeout`, `--shutdown-grace`, a client's `--timeout`). Node keeps timer delays in a
// signed 32-bit number of milliseconds: a longer one prints TimeoutOverflowWarning and fires
// after 1 ms. Every such timer goes through here instead.
import { once, type EventEmitter } from 'node:events';

// The longest delay one Node timer holds (about 24.8 days).
export const MAX_TIMER_MS = 2 ** 31 - 1;

// A delay one Node timer can hold: at least 1 ms, at most MAX_TIMER_MS. For idle timeouts
// (socket.setTimeout, AbortSignal.timeout) where 24.8 days is as good as for ever.
export function clampTimerMs(ms: number): number {
  if (Number.isNaN(ms)) return 1;
  return Math.min(Math.max(1, Math.ceil(ms)), MAX_TIMER_MS);
}

// Node keeps its timers in one list per delay. A timer armed while its delay has no list makes
// one (a priority-queue insert, a libuv timer restart), and the list goes once its last timer
// fires or is cleared. The daemon arms the same few delays for every request (--request-timeout,
// a command's timeout), at one client one at a time: each request made and dropped those lists,
// 11 µs and 7 µs with cold caches, where joining and leaving a kept list costs 3 µs each way.
// So a delay armed here keeps a list: an unref'd keeper timer of the same delay, which lets the
// list go when it fires (a daemon at rest wakes once for it, then no more) and is made again by
// the next timer of that delay. Only delays of a second or more (a keeper must not wake the
// loop often), and at most MAX_KEPT_LISTS at once (a client's `timeout`s are any delays).
const MIN_KEPT_DELAY_MS = 1_000;
const MAX_KEPT_LISTS = 16;
const keepers = new Map<number, NodeJS.Timeout>();

function keepListOf(delay: number): void {
  if (delay < MIN_KEPT_DELAY_MS || keepers.has(delay) || keepers.size >= MAX_KEPT_LISTS) return;
  keepers.set(delay, setTimeout(() => keepers.delete(delay), delay).unref());
}

// Calls onTimeout once ms have passed, chaining timers past MAX_TIMER_MS so that any delay is
// honoured; an infinite delay never fires. Returns a function that disarms it (idempotent).
export function setLongTimeout(onTimeout: () => void, ms: number, options: { unref?: boolean } = {}): () => void {
  if (ms === Number.POSITIVE_INFINITY) return () => {};
  let timer: NodeJS.Timeout | null = null;
  let disarmed = false;
  // A timer never fires early, so what is left after a hop is at most ms minus the hops so far.
  const arm = (left: number): void => {
    const delay = clampTimerMs(left);
    keepListOf(delay);
    timer = setTimeout(() => {
      timer = null;
      if (disarmed) return;
      if (left > delay) return arm(left - delay);
      onTimeout();
    }, delay);
    if (options.unref) timer.unref();
  };
  arm(ms);
  return () => {
    disarmed = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
}

// Resolves true when emitter emits `event`, or false once timeoutMs (any length; null = never)
// passes or `cut` aborts first. For drains: "wait until idle, but not past the grace".
export async function waitForEvent(emitter: EventEmitter, event: string, timeoutMs: number | null, cut?: AbortSignal): Promise<boolean> {
  const timedOut = new AbortController();
  const disarm = timeoutMs === null ? () => {} : setLongTimeout(() => timedOut.abort(), timeoutMs);
  const signal = cut === undefined ? timedOut.signal : AbortSignal.any([timedOut.signal, cut]);
  try {
    await once(emitter, event, { signal });
    return true;
  } catch {
    return false;
  } finally {
    disarm();
  }
}
