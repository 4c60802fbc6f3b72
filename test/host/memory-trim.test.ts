// The host's trim while the road is quiet: glibc's free pages go back to the kernel after the
// start and after each burst of work, a bounded number of times, never during work.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { nativeTrimMemory, QUIET_CHECK_MS, trimWhenQuiet } from '../../src/host/index.js';
import { loadNativeAddon } from '../../src/native/addon.js';

// A road whose counts the test sets, a trimmer over it on mocked timers, and a clock to move.
function quietRoad() {
  const state = { served: 0, inFlight: 0, trims: 0 };
  mock.timers.enable({ apis: ['setInterval'] });
  const trimmer = trimWhenQuiet({ served: () => state.served, inFlight: () => state.inFlight }, () => void state.trims++);
  const looks = (count: number, between: () => void = () => {}): void => {
    for (let look = 0; look < count; look++) {
      between();
      mock.timers.tick(QUIET_CHECK_MS);
    }
  };
  return { state, trimmer, looks };
}

describe('trimWhenQuiet', () => {
  it('trims at each quiet look after the start, ten times at most', (t) => {
    t.after(() => mock.timers.reset());
    const { state, looks } = quietRoad();
    looks(3);
    assert.equal(state.trims, 3);
    looks(20);
    assert.equal(state.trims, 10);
  });

  it('does not trim while requests are served or on the road, and trims again once they stop', (t) => {
    t.after(() => mock.timers.reset());
    const { state, looks } = quietRoad();
    looks(12);
    assert.equal(state.trims, 10);
    state.inFlight = 1; // a long command: the road is not quiet
    looks(5);
    assert.equal(state.trims, 10);
    state.inFlight = 0;
    looks(5, () => (state.served += 3)); // a burst of short requests
    assert.equal(state.trims, 10);
    looks(3); // quiet again: a trim at each look
    assert.equal(state.trims, 13);
  });

  it('stops looking once stopped', (t) => {
    t.after(() => mock.timers.reset());
    const { state, trimmer, looks } = quietRoad();
    trimmer.stop();
    looks(4);
    assert.equal(state.trims, 0);
  });
});

describe('nativeTrimMemory', () => {
  const addon = loadNativeAddon();

  it('is the addon\'s malloc_trim', { skip: addon === null && 'native addon not built' }, () => {
    assert.equal(typeof addon?.trimMemory(), 'boolean');
    const trim = nativeTrimMemory();
    assert.ok(trim !== null);
    assert.doesNotThrow(trim);
  });
});
