// SPEC 5.1 and 5.3 through the running daemon: limits kill the whole group; shell mode keeps
// client arguments out of the shell's hands.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ask, startDaemon, tempDir, type DaemonHandle } from '../helpers/daemon.js';
import { AUTH_CONF, ORIGINAL_KEY } from '../helpers/fixtures.js';
import { isRunning } from '../helpers/processes.js';

describe('limits: --timeout and --max-output', () => {
  let daemon: DaemonHandle;
  const pidDir = tempDir();
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: `[default]
group = /bin/sh -c "sleep 100 & echo $! > ${pidDir}/child; sleep 100"
flood = /usr/bin/yes
quick = /bin/echo fine
`,
      args: ['--timeout', '1', '--max-output', '65536'],
    });
  });
  after(async () => {
    await daemon.stop();
  });

  it('kills the whole process group at the time limit: 3002, no orphan left', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'group' });
    assert.deepEqual([answer.code, answer.message, answer.signal], [3002, 'Command ran past its time limit and was killed', 'SIGTERM']);
    const child = Number(readFileSync(join(pidDir, 'child'), 'utf8'));
    await delay(100);
    assert.equal(isRunning(child), false, 'the background child outlived its request');
  });

  it('lets a request lower the limit but never raise it', async () => {
    const lowered = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'group', timeout: 0.3 });
    assert.equal(lowered.code, 3002);
    assert.ok((lowered.duration_ms as number) < 900, `took ${String(lowered.duration_ms)} ms`);
    const raised = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'group', timeout: 50 });
    assert.equal(raised.code, 3002);
    assert.ok((raised.duration_ms as number) < 2500);
  });

  it('kills a command past the output cap: 3003 and truncated', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'flood' });
    assert.equal(answer.code, 3003);
    assert.equal(answer.truncated, true);
    assert.equal(answer.message, 'Command output passed its cap and the command was killed');
    assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'quick' })).message, 'fine');
  });
});

describe('--shell-exec', () => {
  let daemon: DaemonHandle;
  const marker = join(tempDir(), 'pwned');
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: '[default]\nsay = echo "[$1]" "$#"; echo done | tr a-z A-Z\nall = printf "<%s>" "$@"\necho = echo\nfirst = echo "first:${1:-none}"\n',
      args: ['--shell-exec'],
    });
  });
  after(async () => {
    await daemon.stop();
    rmSync(marker, { force: true });
  });

  it('runs the configured line through /bin/sh -c', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'say', arguments: ['hi'] });
    assert.equal(answer.message, '[hi] 1\nDONE');
  });

  // SPEC 5.3: a line that names no positional parameter gets ` "$@"` appended.
  it('appends "$@" to a line that names no positional parameter: echo = echo answers the arguments', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['a', 'b'] });
    assert.deepEqual([answer.code, answer.message], [0, 'a b']);
  });

  it('the appended arguments are words, never shell text', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: [`x; touch ${marker}`, '$(id)'] });
    assert.deepEqual([answer.code, answer.message], [0, `x; touch ${marker} $(id)`]);
    assert.equal(existsSync(marker), false);
  });

  it('a line that names a positional parameter gets nothing appended', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'first', arguments: ['a', 'b'] });
    assert.deepEqual([answer.code, answer.message], [0, 'first:a']);
  });

  for (const attack of [`$(touch ${marker})`, `; touch ${marker}`, `\`touch ${marker}\``, `| touch ${marker}`, `&& touch ${marker}`]) {
    it(`passes ${JSON.stringify(attack)} as a positional parameter, never as shell text`, async () => {
      const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'all', arguments: [attack, 'two words'] });
      assert.equal(answer.message, `<${attack}><two words>`);
      assert.equal(existsSync(marker), false);
    });
  }
});
