// Output: the cap on captured output, and stream mode with its order and backpressure.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OutputEvent } from '../../src/protocol/types.js';
import { isRunning, liveMembers, makePlan, runCommand, sleep, tempDir } from './helpers.js';

test('output cap: exactly the first maxOutput bytes are kept, the group is killed', { timeout: 60_000 }, async () => {
  const pidFile = join(tempDir(), 'pid');
  const r = await runCommand(
    makePlan(['/bin/sh', '-c', `echo $$ > ${pidFile}; sleep 100 & exec head -c 10M /dev/zero`], { maxOutput: 100_000 }),
  );
  assert.equal(r.outcome, 'output_cap');
  assert.equal(r.truncated, true);
  assert.equal(r.stdout, '\0'.repeat(100_000));
  assert.equal(r.stderr, '');
  assert.equal(r.signal, 'SIGTERM');
  assert.deepEqual(liveMembers(Number(readFileSync(pidFile, 'utf8'))), []);
});

test('output cap with an endless writer (yes)', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/usr/bin/yes'], { maxOutput: 12345, timeoutMs: 10_000 }));
  assert.equal(r.outcome, 'output_cap');
  assert.equal(r.truncated, true);
  assert.equal(r.stdout.length, 12345);
  assert.equal(r.stdout, 'y\n'.repeat(6173).slice(0, 12345));
});

test('output cap counts stdout and stderr together', { timeout: 60_000 }, async () => {
  const r = await runCommand(
    makePlan(['/bin/sh', '-c', 'printf aaaa; printf bbbb >&2; printf cccc; sleep 5'], { maxOutput: 10, timeoutMs: 10_000 }),
  );
  assert.equal(r.outcome, 'output_cap');
  assert.equal(r.truncated, true);
  assert.equal(r.stdout.length + r.stderr.length, 10);
  assert.match(r.stdout, /^a{4}c{0,4}$/);
  assert.match(r.stderr, /^b{0,4}$/);
});

test('output of exactly maxOutput bytes is not truncated', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/usr/bin/printf', '0123456789'], { maxOutput: 10 }));
  assert.equal(r.outcome, 'exited');
  assert.equal(r.truncated, false);
  assert.equal(r.stdout, '0123456789');
});

test('one byte over the cap is output_cap', { timeout: 60_000 }, async () => {
  const r = await runCommand(makePlan(['/usr/bin/printf', '0123456789A'], { maxOutput: 10 }));
  assert.equal(r.outcome, 'output_cap');
  assert.equal(r.truncated, true);
  assert.equal(r.stdout, '0123456789');
});

test('stream mode: events in the order produced, nothing captured', { timeout: 60_000 }, async () => {
  const events: OutputEvent[] = [];
  const r = await runCommand(
    makePlan(['/bin/sh', '-c', 'echo a; sleep 0.1; echo b >&2; sleep 0.1; echo c; sleep 0.1; echo d >&2'], {
      maxOutput: null,
      onOutput: (e) => {
        events.push(e);
      },
    }),
  );
  assert.equal(r.outcome, 'exited');
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '');
  assert.deepEqual(events, [
    { event: 'stdout', data: 'a\n' },
    { event: 'stderr', data: 'b\n' },
    { event: 'stdout', data: 'c\n' },
    { event: 'stderr', data: 'd\n' },
  ]);
});

test('stream mode: a character split across chunks is delivered whole, invalid bytes as U+FFFD', { timeout: 60_000 }, async () => {
  const events: OutputEvent[] = [];
  await runCommand(
    makePlan(['/bin/sh', '-c', "printf '\\303'; sleep 0.1; printf '\\251\\377'; sleep 0.1; printf '\\342'"], {
      maxOutput: null,
      onOutput: (e) => {
        events.push(e);
      },
    }),
  );
  assert.equal(events.map((e) => e.data).join(''), 'é\uFFFD\uFFFD');
  assert.ok(events.every((e) => e.event === 'stdout'));
  assert.ok(!events.some((e) => e.data === ''), 'no empty events');
});

test('stream mode: a pending listener promise pauses the command (backpressure)', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const pidFile = join(dir, 'pid');
  const total = 50 * 1024 * 1024;
  let delivered = 0;
  let release: (() => void) | null = null;
  let held = false;
  const running = runCommand(
    makePlan(['/bin/sh', '-c', `echo $$ > ${pidFile}; exec head -c 50M /dev/zero`], {
      maxOutput: null,
      timeoutMs: 60_000,
      onOutput: (e) => {
        delivered += e.data.length;
        if (held) return;
        held = true;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    }),
  );
  let settled = false;
  void running.then(() => (settled = true));
  // Wait for the event that holds the reader, and for the pid, rather than for a fixed time.
  while (!held || !existsSync(pidFile) || !readFileSync(pidFile, 'utf8').endsWith('\n')) await sleep(10);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const pausedAt = delivered;
  await sleep(700);
  assert.equal(settled, false, 'the run must not finish while the reader holds it');
  assert.equal(isRunning(pid), true, 'head is blocked writing, not finished');
  assert.equal(delivered, pausedAt, 'nothing delivered while paused');
  assert.ok(pausedAt > 0 && pausedAt <= 1024 * 1024, `delivered ${pausedAt} bytes while paused`);
  assert.ok(release !== null);
  (release as () => void)();
  const r = await running;
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 0);
  assert.equal(delivered, total);
});

test('stream mode: every listener promise is awaited before the run ends', { timeout: 60_000 }, async () => {
  const seen: string[] = [];
  const r = await runCommand(
    makePlan(['/bin/sh', '-c', 'echo one; sleep 0.05; echo two'], {
      maxOutput: null,
      onOutput: async (e) => {
        await sleep(100);
        seen.push(e.data);
      },
    }),
  );
  assert.equal(r.outcome, 'exited');
  assert.deepEqual(seen.join(''), 'one\ntwo\n');
});

test('stream mode: a throwing or rejecting listener does not break the run', { timeout: 60_000 }, async () => {
  // Each line is written only once the listener has seen the one before (it creates seen-N), so
  // there are three separate events however loaded the machine is: no sleeping and hoping.
  const dir = tempDir();
  const waitSeen = (n: number) => `while [ ! -e ${dir}/seen-${n} ]; do sleep 0.01; done`;
  let calls = 0;
  const r = await runCommand(
    makePlan(['/bin/sh', '-c', `echo a; ${waitSeen(1)}; echo b; ${waitSeen(2)}; echo c`], {
      maxOutput: null,
      timeoutMs: 30_000,
      onOutput: () => {
        calls += 1;
        writeFileSync(join(dir, `seen-${calls}`), '');
        if (calls === 1) throw new Error('boom');
        return Promise.reject(new Error('later boom'));
      },
    }),
  );
  assert.equal(r.outcome, 'exited');
  assert.equal(r.exitCode, 0);
  assert.equal(calls, 3);
});

test('stream mode with a cap: the first maxOutput bytes are streamed, then output_cap', { timeout: 60_000 }, async () => {
  let streamed = '';
  const r = await runCommand(
    makePlan(['/usr/bin/yes', 'abc'], {
      maxOutput: 1000,
      timeoutMs: 10_000,
      onOutput: (e) => {
        streamed += e.data;
      },
    }),
  );
  assert.equal(r.outcome, 'output_cap');
  assert.equal(r.truncated, true);
  assert.equal(r.stdout, '');
  assert.equal(streamed, 'abc\n'.repeat(250));
});

test('stream mode: a listener that never settles holds a run stopped by the daemon only a bounded time', { timeout: 60_000 }, async () => {
  const pidFile = join(tempDir(), 'pid');
  let events = 0;
  const r = await runCommand(
    makePlan(['/bin/sh', '-c', `echo $$ > ${pidFile}; exec yes`], {
      maxOutput: null,
      timeoutMs: 300,
      onOutput: () => {
        events += 1;
        return new Promise<void>(() => {}); // a client that stopped reading
      },
    }),
  );
  assert.equal(r.outcome, 'timeout');
  assert.equal(r.signal, 'SIGTERM');
  assert.ok(events >= 1);
  assert.deepEqual(liveMembers(Number(readFileSync(pidFile, 'utf8'))), []);
});

test('stream mode: a run that ends by itself still waits for a slow listener to take everything', { timeout: 60_000 }, async () => {
  let streamed = '';
  const r = await runCommand(
    makePlan(['/bin/sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" x'], {
      maxOutput: null,
      timeoutMs: 30_000,
      onOutput: async (e) => {
        await sleep(20);
        streamed += e.data;
      },
    }),
  );
  assert.equal(r.outcome, 'exited');
  assert.equal(streamed, 'x'.repeat(300_000));
});
