// /proc/<pid>/stat as the daemon reads it, and which processes it counts as still running.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLive, readProcStatSync } from '../../src/exec/proc-stat.js';

test('reads this process: running, not exiting, in its own group and session', () => {
  const stat = readProcStatSync(process.pid);
  assert.ok(stat !== null);
  assert.equal(stat.exiting, false);
  assert.ok(isLive(stat));
  assert.ok(stat.pgrp > 0 && stat.session > 0);
});

test('a zombie, a dead process and one already inside exit() are not running', () => {
  assert.equal(isLive({ state: 'Z', exiting: false }), false);
  assert.equal(isLive({ state: 'X', exiting: false }), false);
  // Between closing its files (its pipes' readers see end of file) and becoming a zombie.
  assert.equal(isLive({ state: 'R', exiting: true }), false);
  assert.equal(isLive({ state: 'D', exiting: true }), false);
  assert.equal(isLive({ state: 'S', exiting: false }), true);
});
