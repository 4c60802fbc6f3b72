// /proc/<pid>/stat as the daemon reads it, and which processes it counts as still running.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { isLive, readProcStatSync } from '../../src/exec/proc-stat.js';

test('reads this process: running and not exiting', () => {
  const stat = readProcStatSync(process.pid);
  assert.ok(stat !== null);
  assert.equal(stat.exiting, false);
  assert.ok(isLive(stat));
  assert.match(stat.startTime, /^\d+$/);
  // No claim on our own group and session: when the test runs in a pid namespace entered
  // without setsid (some CI sandboxes), their leaders are outside it and /proc shows 0.
  assert.ok(Number.isInteger(stat.pgrp) && Number.isInteger(stat.session));
});

test('reads a detached child as the daemon starts commands: its own group and session', async (t) => {
  // detached = setsid(): the child leads a new session and group, both numbered by its pid.
  const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await once(child, 'spawn');
  const pid = child.pid ?? 0;
  const stat = readProcStatSync(pid);
  assert.ok(stat !== null);
  assert.equal(stat.pid, pid);
  assert.equal(stat.ppid, process.pid);
  assert.equal(stat.pgrp, pid);
  assert.equal(stat.session, pid);
  assert.ok(isLive(stat));
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.equal(readProcStatSync(pid), null, 'reaped: /proc no longer has it');
});

test('a zombie, a dead process and one already inside exit() are not running', () => {
  assert.equal(isLive({ state: 'Z', exiting: false }), false);
  assert.equal(isLive({ state: 'X', exiting: false }), false);
  // Between closing its files (its pipes' readers see end of file) and becoming a zombie.
  assert.equal(isLive({ state: 'R', exiting: true }), false);
  assert.equal(isLive({ state: 'D', exiting: true }), false);
  assert.equal(isLive({ state: 'S', exiting: false }), true);
});
