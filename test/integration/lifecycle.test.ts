// SPEC 6 with the real process: SIGHUP reloads (or keeps the old config), SIGTERM drains.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ask, startDaemon } from '../helpers/daemon.js';
import { AUTH_CONF, ORIGINAL_KEY, RELAYS_CONF } from '../helpers/fixtures.js';

describe('lifecycle', () => {
  it('SIGHUP swaps in a valid configuration, and keeps the old one when the new is bad', async () => {
    const daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS_CONF });
    try {
      assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'added' })).code, 2001);
      writeFileSync(join(daemon.dir, 'relays.conf'), `${RELAYS_CONF}\n[default::added]\ncommand = /bin/echo added\n`);
      daemon.proc.kill('SIGHUP');
      await daemon.waitForLog((l) => l.msg === 'configuration reloaded');
      assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'added' })).message, 'added');

      writeFileSync(join(daemon.dir, 'relays.conf'), '[default]\nbroken line without separator\n');
      daemon.proc.kill('SIGHUP');
      const failed = await daemon.waitForLog((l) => l.msg === 'configuration reload failed; keeping the old configuration');
      assert.equal(failed.level, 'error');
      assert.ok(Array.isArray(failed.problems) && failed.problems.length > 0);
      assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'added' })).message, 'added');
    } finally {
      await daemon.stop();
    }
  });

  it('a running request finishes with the configuration it started with', async () => {
    const daemon = await startDaemon({ auth: AUTH_CONF, relays: '[default]\nslow = /bin/sh -c "sleep 0.5; echo old"\n' });
    try {
      const running = ask(daemon, { auth_key: ORIGINAL_KEY, command: 'slow' });
      await delay(100);
      writeFileSync(join(daemon.dir, 'relays.conf'), '[default]\nslow = /bin/echo new\n');
      daemon.proc.kill('SIGHUP');
      await daemon.waitForLog((l) => l.msg === 'configuration reloaded');
      assert.equal((await running).message, 'old');
      assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'slow' })).message, 'new');
    } finally {
      await daemon.stop();
    }
  });

  it('SIGTERM lets running commands finish and answer, then exits 0', async () => {
    const daemon = await startDaemon({ auth: AUTH_CONF, relays: '[default]\nslow = /bin/sh -c "sleep 1; echo done"\n' });
    const running = ask(daemon, { auth_key: ORIGINAL_KEY, command: 'slow' });
    await daemon.waitForLog((l) => l.msg === 'request' || false, 300).catch(() => undefined);
    await delay(200);
    const exit = daemon.stop('SIGTERM');
    const answer = await running;
    assert.deepEqual([answer.code, answer.message], [0, 'done']);
    assert.equal(await exit, 0);
    await daemon.waitForLog((l) => l.msg === 'stopped');
  });

  it('SIGTERM past --shutdown-grace kills running commands and answers 3007', async () => {
    const daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: '[default]\nforever = /bin/sleep 100\n',
      args: ['--shutdown-grace', '0.5'],
    });
    const running = ask(daemon, { auth_key: ORIGINAL_KEY, command: 'forever' });
    await delay(300);
    const exit = daemon.stop('SIGTERM');
    const answer = await running;
    assert.deepEqual([answer.status, answer.code, answer.message], ['error', 3007, 'Cancelled: the daemon is shutting down']);
    assert.equal(answer.signal, 'SIGTERM');
    assert.equal(await exit, 0);
  });
});
