// The failed-authentication throttle (code 1002), in-process with a fake clock: how many
// failures block an address, when its window ends, and how memory stays bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureThrottle, type ThrottleOptions } from '../../src/auth/index.js';

// A throttle on a clock the test moves by hand.
function throttleAt(options: ThrottleOptions): { throttle: FailureThrottle; advance: (ms: number) => void } {
  let now = 1_000_000;
  return { throttle: new FailureThrottle(options, () => now), advance: (ms) => void (now += ms) };
}

function fail(throttle: FailureThrottle, address: string, times: number): void {
  for (let i = 0; i < times; i += 1) throttle.recordFailure(address);
}

describe('FailureThrottle', () => {
  it('blocks an address at maxFailures, not before', () => {
    const { throttle } = throttleAt({ maxFailures: 3, windowMs: 60_000 });
    fail(throttle, '10.0.0.1', 2);
    assert.equal(throttle.isBlocked('10.0.0.1'), false);
    throttle.recordFailure('10.0.0.1');
    assert.equal(throttle.isBlocked('10.0.0.1'), true);
  });

  it('counts each address on its own', () => {
    const { throttle } = throttleAt({ maxFailures: 2, windowMs: 60_000 });
    fail(throttle, '10.0.0.1', 2);
    throttle.recordFailure('10.0.0.2');
    assert.equal(throttle.isBlocked('10.0.0.1'), true);
    assert.equal(throttle.isBlocked('10.0.0.2'), false);
    assert.equal(throttle.isBlocked('10.0.0.3'), false);
  });

  it('unblocks when the window that began with the first failure has passed', () => {
    const { throttle, advance } = throttleAt({ maxFailures: 2, windowMs: 60_000 });
    throttle.recordFailure('10.0.0.1');
    advance(59_000);
    throttle.recordFailure('10.0.0.1'); // still in the first failure's window
    assert.equal(throttle.isBlocked('10.0.0.1'), true);
    advance(999);
    assert.equal(throttle.isBlocked('10.0.0.1'), true, 'one ms before the window ends');
    advance(1);
    assert.equal(throttle.isBlocked('10.0.0.1'), false, 'the window is over');
  });

  it('starts a fresh count after the window: old failures no longer add up', () => {
    const { throttle, advance } = throttleAt({ maxFailures: 2, windowMs: 1_000 });
    throttle.recordFailure('10.0.0.1');
    advance(1_000);
    throttle.recordFailure('10.0.0.1');
    assert.equal(throttle.isBlocked('10.0.0.1'), false);
    throttle.recordFailure('10.0.0.1');
    assert.equal(throttle.isBlocked('10.0.0.1'), true);
  });

  it('never blocks with maxFailures 0 (--auth-fail-limit 0)', () => {
    const { throttle } = throttleAt({ maxFailures: 0, windowMs: 60_000 });
    fail(throttle, '10.0.0.1', 1_000);
    assert.equal(throttle.isBlocked('10.0.0.1'), false);
  });

  it('remembers at most maxTracked addresses, dropping the oldest window first', () => {
    const { throttle, advance } = throttleAt({ maxFailures: 1, windowMs: 60_000, maxTracked: 3 });
    for (const address of ['a', 'b', 'c']) {
      throttle.recordFailure(address);
      advance(1);
    }
    assert.deepEqual(['a', 'b', 'c'].map((address) => throttle.isBlocked(address)), [true, true, true]);
    throttle.recordFailure('d'); // a fourth address: `a`, the oldest, is forgotten
    assert.deepEqual(['a', 'b', 'c', 'd'].map((address) => throttle.isBlocked(address)), [false, true, true, true]);
  });

  it('a repeated failure does not evict anyone: only a new address takes room', () => {
    const { throttle } = throttleAt({ maxFailures: 5, windowMs: 60_000, maxTracked: 2 });
    fail(throttle, 'a', 4);
    fail(throttle, 'b', 4);
    throttle.recordFailure('a');
    throttle.recordFailure('b');
    assert.deepEqual([throttle.isBlocked('a'), throttle.isBlocked('b')], [true, true]);
  });
});
