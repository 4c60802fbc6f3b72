// Issue 9, item 3: a timer armed from user input must neither fire at once nor warn, however long.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { clampTimerMs, MAX_TIMER_MS, setLongTimeout } from '../../src/timers/index.js';
import { armTimeout } from '../../src/exec/run.js';

const FIFTY_DAYS_MS = 50 * 24 * 3600 * 1000; // past the 24.8 days one Node timer holds

test('clampTimerMs keeps a delay within what one Node timer holds', () => {
  assert.equal(clampTimerMs(3_000_000_000), MAX_TIMER_MS);
  assert.equal(clampTimerMs(10_000), 10_000);
  assert.equal(clampTimerMs(0), 1);
  assert.equal(clampTimerMs(Number.NaN), 1);
  assert.equal(clampTimerMs(Number.POSITIVE_INFINITY), MAX_TIMER_MS);
});

test('setLongTimeout chains past 2^31-1 ms and fires exactly at the end, with no overflow warning', () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let fired = 0;
    setLongTimeout(() => (fired += 1), FIFTY_DAYS_MS);
    // One hop of the longest Node timer at a time (the mock clock runs a timer armed inside a
    // tick from the end of that tick).
    mock.timers.tick(MAX_TIMER_MS);
    assert.equal(fired, 0, 'fired after the first 24.8 days');
    mock.timers.tick(MAX_TIMER_MS);
    assert.equal(fired, 0, 'fired after the second 24.8 days');
    mock.timers.tick(FIFTY_DAYS_MS - 2 * MAX_TIMER_MS - 1);
    assert.equal(fired, 0, 'fired a millisecond early');
    mock.timers.tick(1);
    assert.equal(fired, 1);
    mock.timers.tick(FIFTY_DAYS_MS);
    assert.equal(fired, 1, 'fired twice');
  } finally {
    mock.timers.reset();
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});

test('a long timer can be disarmed between hops', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let fired = 0;
    const disarm = setLongTimeout(() => (fired += 1), FIFTY_DAYS_MS);
    mock.timers.tick(MAX_TIMER_MS + 5);
    disarm();
    disarm();
    mock.timers.tick(FIFTY_DAYS_MS);
    assert.equal(fired, 0);
  } finally {
    mock.timers.reset();
  }
});

test('armTimeout (a command time limit of 3000000 s) does not fire at once', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let fired = 0;
    armTimeout(3_000_000_000, () => (fired += 1));
    mock.timers.tick(60_000);
    assert.equal(fired, 0);
    mock.timers.tick(MAX_TIMER_MS - 60_000);
    assert.equal(fired, 0);
    mock.timers.tick(3_000_000_000 - MAX_TIMER_MS);
    assert.equal(fired, 1);
  } finally {
    mock.timers.reset();
  }
});

test('the timers that keep their delay\'s list do not keep the process up, and kept delays still fire on time', () => {
  // Delays of a second and more get an unref'd keeper: a process whose own timers are all done
  // exits at once, not when the keepers would fire (10 s, 600 s).
  const script = `
    import { setLongTimeout } from './src/timers/index.js';
    for (const ms of [10_000, 600_000, 10_000]) setLongTimeout(() => console.log('fired ' + ms), ms)();
    const armedAt = performance.now();
    setLongTimeout(() => console.log('late by', Math.round(performance.now() - armedAt - 1_000)), 1_000);
  `;
  const startedAt = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: join(import.meta.dirname, '..', '..'),
    timeout: 20_000,
  });
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /^late by \d+\n$/u, 'only the armed timer fired, once');
  assert.ok(performance.now() - startedAt < 8_000, 'the process waited for a keeper');
});
