// runCommand: exit codes, capture, decoding, stdin, start failures.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makePlan, runCommand, tempDir } from './helpers.js';

test('exit code 0 and stdout captured', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/bin/echo', 'hello', 'world']));
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 0);
  assert.equal(r.signal, null);
  assert.equal(r.stdout, 'hello world\n');
  assert.equal(r.stderr, '');
  assert.equal(r.truncated, false);
  assert.equal(r.startError, null);
  assert.ok(r.durationMs >= 0 && r.durationMs < 5000);
});

test('non-zero exit code and stderr kept apart from stdout', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/bin/sh', '-c', 'echo out; echo err >&2; exit 42']));
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 42);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
});

test('argv entries reach the command verbatim', { timeout: 60_000 }, async () => {
  const args = ['a b', '', '$HOME', '*', 'é', '--x=1'];
  const r = await runCommand(makePlan(['/usr/bin/printf', '[%s]\\n', ...args]));
  assert.equal(r.stdout, args.map((a) => `[${a}]\n`).join(''));
});

test('invalid UTF-8 becomes U+FFFD, valid multi-byte text survives', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/usr/bin/printf', 'a\\377b\\303\\251c\\303']));
  assert.equal(r.stdout, 'a\uFFFDbéc\uFFFD');
});

test('a character split across two writes is not broken', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/bin/sh', '-c', "printf '\\342\\202'; sleep 0.1; printf '\\254x'"]));
  assert.equal(r.stdout, '€x');
});

test('a leading byte order mark is kept', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/usr/bin/printf', '\\357\\273\\277x']));
  assert.equal(r.stdout, '\uFEFFx');
});

test('stdin is empty: cat ends at once with nothing', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/bin/cat'], { timeoutMs: 5000 }));
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, '');
});

test('stdin is /dev/null', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/usr/bin/readlink', '/proc/self/fd/0']));
  assert.equal(r.stdout, '/dev/null\n');
});

test('plan.stdin is written to the command and then closed', { timeout: 60_000 }, async () => {
  const payload = Buffer.from([0, 1, 2, 255, 10, 65]);
  const r = await runCommand(makePlan(['/usr/bin/od', '-An', '-tu1'], { stdin: payload, timeoutMs: 5000 }));
  assert.equal(r.outcome, 'exited');
  assert.equal(r.stdout.trim().split(/\s+/).join(' '), '0 1 2 255 10 65');
});

test('a large stdin payload to a command that does not read it is no error', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/bin/true'], { stdin: Buffer.alloc(4 * 1024 * 1024) }));
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 0);
});

test('cwd is honoured', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const r = await runCommand(makePlan(['/bin/pwd'], { cwd: dir }));
  assert.equal(r.stdout, `${dir}\n`);
});

test('a command that kills itself with a signal is `signaled`', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/bin/sh', '-c', 'kill -SEGV $$']));
  assert.equal(r.outcome, 'signaled');
  assert.equal(r.signal, 'SIGSEGV');
  assert.equal(r.exitCode, null);
});

test('start failure: program not found', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/nonexistent/program', 'x']));
  assert.equal(r.outcome, 'start_failed');
  assert.equal(r.startError, 'command not found: /nonexistent/program');
  assert.equal(r.exitCode, null);
  assert.equal(r.signal, null);
});

test('start failure: program not found on PATH', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['no-such-program-here']));
  assert.equal(r.outcome, 'start_failed');
  assert.equal(r.startError, 'command not found: no-such-program-here');
});

test('start failure: file not executable', { timeout: 60_000 }, async () => {
  const file = join(tempDir(), 'script');
  writeFileSync(file, '#!/bin/sh\necho hi\n');
  chmodSync(file, 0o644);
  const r = await runCommand(makePlan([file]));
  assert.equal(r.outcome, 'start_failed');
  assert.equal(r.startError, `permission denied: ${file} is not executable (or a directory on its path is not searchable)`);
});

test('start failure: a directory is not executable', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/etc']));
  assert.equal(r.outcome, 'start_failed');
  assert.match(r.startError ?? '', /^permission denied: \/etc /);
});

test('start failure: missing cwd', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/bin/true'], { cwd: '/nonexistent/dir' }));
  assert.equal(r.outcome, 'start_failed');
  assert.equal(r.startError, 'working directory does not exist: /nonexistent/dir');
});

test('start failure: cwd is a file', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/bin/true'], { cwd: '/etc/passwd' }));
  assert.equal(r.outcome, 'start_failed');
  assert.equal(r.startError, 'working directory is not a directory: /etc/passwd');
});

test('start failure: empty argv', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan([]));
  assert.equal(r.outcome, 'start_failed');
  assert.notEqual(r.startError, null);
});

test('no unhandled rejection or error event escapes a start failure', { timeout: 60_000 }, async () => {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => seen.push(reason);
  const onException = (error: unknown) => seen.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  try {
    await Promise.all([
      runCommand(makePlan(['/nonexistent'])),
      runCommand(makePlan(['/etc/passwd'])),
      runCommand(makePlan(['/bin/true'], { cwd: '/nonexistent' })),
      runCommand(makePlan(['/nonexistent'], { stdin: Buffer.from('x') })),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  }
  assert.deepEqual(seen, []);
});
