// The exec layer's hooks for jobs: an output sink that gets the raw bytes (within the cap, with
// backpressure) instead of the collector keeping them, and the leader's pid once spawned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCommand } from '../../src/exec/index.js';
import { makePlan } from './helpers.js';

test('a sink gets the raw bytes of both pipes, nothing is kept, and onSpawn tells the pid', { timeout: 60_000 }, async () => {
  const chunks: Buffer[] = [];
  const pids: number[] = [];
  const r = await runCommand(
    makePlan(['/bin/sh', '-c', 'printf "\\303"; printf "\\251 out"; printf err >&2; echo $$ >&2'], {
      outputSink: (chunk) => void chunks.push(chunk),
      onSpawn: (pid) => pids.push(pid),
    }),
  );
  assert.deepEqual([r.outcome, r.exitCode, r.stdout, r.stderr, r.truncated], ['exited', 0, '', '', false]);
  const all = Buffer.concat(chunks);
  assert.equal(pids.length, 1);
  assert.ok(all.includes(Buffer.from('é out')), all.toString());
  assert.ok(all.includes(Buffer.from(`err`)));
  assert.ok(all.includes(Buffer.from(`${pids[0]}\n`)), 'the pid the shell saw is the one onSpawn told');
  assert.equal(all.length, Buffer.byteLength('é outerr') + `${pids[0]}\n`.length);
});

test('a sink gets exactly the first max_output bytes, and a slow sink slows the command', { timeout: 60_000 }, async () => {
  let received = 0;
  let pending = 0;
  let maxPending = 0;
  const r = await runCommand(
    makePlan(['/usr/bin/yes'], {
      maxOutput: 300_000,
      timeoutMs: 20_000,
      outputSink: async (chunk) => {
        pending += 1;
        maxPending = Math.max(maxPending, pending);
        await new Promise((resolve) => setImmediate(resolve));
        received += chunk.length;
        pending -= 1;
      },
    }),
  );
  assert.deepEqual([r.outcome, r.truncated, r.stdout], ['output_cap', true, '']);
  assert.equal(received, 300_000);
  assert.equal(maxPending, 1, 'one write at a time: the pipes wait for the sink');
});
