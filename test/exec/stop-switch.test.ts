// StopSwitch: the daemon's shutdown and a client going away, without an AbortController per
// request; many runs share one switch without a MaxListenersExceededWarning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StopSwitch } from '../../src/exec/index.js';
import { makePlan, runCommand } from './helpers.js';

test('a switch calls each listener once, and neither removed nor late ones', () => {
  const stop = new StopSwitch();
  const calls: string[] = [];
  const removed = () => calls.push('removed');
  stop.addEventListener('abort', () => calls.push('a'));
  stop.addEventListener('abort', removed);
  stop.removeEventListener('abort', removed);
  assert.equal(stop.aborted, false);
  stop.abort();
  stop.abort();
  stop.addEventListener('abort', () => calls.push('late'));
  assert.equal(stop.aborted, true);
  assert.deepEqual(calls, ['a']);
});

test('12 runs share one cancel switch without a listener warning, and all stop with it', { timeout: 60_000 }, async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    const cancel = new StopSwitch();
    const started: Promise<void>[] = [];
    const runs = Array.from({ length: 12 }, () => {
      let ready: () => void = () => {};
      started.push(new Promise<void>((resolve) => (ready = resolve)));
      return runCommand(makePlan(['/bin/sh', '-c', 'echo up; exec sleep 100'], { cancel, maxOutput: null, onOutput: () => ready() }));
    });
    await Promise.all(started);
    cancel.abort();
    const results = await Promise.all(runs);
    assert.deepEqual(results.map((r) => r.outcome), Array(12).fill('cancelled'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
  }
});
