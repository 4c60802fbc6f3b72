// A daemon at rest gives back the memory its last burst of work used. V8 shrinks its own heap
// some seconds into the rest (its memory reducer, 8 or 16 s after the work stops), but what Node
// and V8 release with free() stays in glibc's arenas for reuse: several MiB after the start or a
// burst of requests. While the road is quiet the host hands those pages back to the
// kernel (malloc_trim, through the native addon), a few times, so that one trim comes after the
// memory reducer's collection.
import { loadNativeAddon } from '../native/addon.js';
import type { Relay } from '../relay/index.js';

// How often the host looks whether the road has been quiet since its last look, and for how many
// quiet looks after any activity (and after the start) it trims: 3 s × 10 covers the memory
// reducer's first rounds.
export const QUIET_CHECK_MS = 3_000;
const TRIMS_PER_QUIET_SPELL = 10;

export interface MemoryTrimmer {
  stop(): void;
}

// Calls `trim` at each look that finds nothing served since the one before and nothing on the
// road, up to TRIMS_PER_QUIET_SPELL times in a row. The timer never keeps the process alive.
export function trimWhenQuiet(road: Pick<Relay, 'inFlight' | 'served'>, trim: () => void, checkMs = QUIET_CHECK_MS): MemoryTrimmer {
  let lastServed = road.served();
  let trimsLeft = TRIMS_PER_QUIET_SPELL;
  const timer = setInterval(() => {
    const served = road.served();
    if (served !== lastServed || road.inFlight() > 0) {
      lastServed = served;
      trimsLeft = TRIMS_PER_QUIET_SPELL;
      return;
    }
    if (trimsLeft === 0) return;
    trimsLeft -= 1;
    trim();
  }, checkMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

// The addon's malloc_trim, or null without the addon (nothing is trimmed then).
export function nativeTrimMemory(): (() => void) | null {
  const addon = loadNativeAddon();
  return addon ? () => void addon.trimMemory() : null;
}
