// Many runs leak nothing: no file descriptors, no zombies, no payload files.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareRun } from '../../src/exec/index.js';
import { makeCommand, makeInput, makePlan, openFds, runCommand, sleep, zombieChildren } from './helpers.js';

test('300 runs of every kind leak no file descriptor and leave no zombie', { timeout: 60_000 }, async () => {
  // Warm up: the first run opens what Node keeps for good (signal pipe, thread pool).
  await runCommand(makePlan(['/bin/true']));
  await runCommand(makePlan(['/nonexistent']));
  await sleep(50);
  const before = openFds();
  const payloadPaths: string[] = [];
  const kinds = [
    () => runCommand(makePlan(['/bin/echo', 'x'])),
    () => runCommand(makePlan(['/bin/cat'], { stdin: Buffer.from('in') })),
    () => runCommand(makePlan(['/nonexistent'])),
    () => runCommand(makePlan(['/bin/sh', '-c', 'sleep 10 & echo $!'])),
    () => runCommand(makePlan(['/usr/bin/yes'], { maxOutput: 100 })),
    () => runCommand(makePlan(['/bin/sh', '-c', 'echo a; echo b >&2'], { maxOutput: null, onOutput: async () => {} })),
    async () => {
      const prepared = await prepareRun(makeCommand({ argv: ['/bin/cat'], payload: 'file' }), makeInput({ payload: Buffer.from('f') }));
      payloadPaths.push(prepared.plan.argv[1] ?? '');
      try {
        return await runCommand(prepared.plan);
      } finally {
        await prepared.cleanup();
      }
    },
  ];
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 300; i += 10) {
    const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => kinds[(i + j) % kinds.length]!()));
    for (const r of batch) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
  }
  await sleep(100);
  assert.deepEqual(
    openFds().filter((fd) => !before.includes(fd)),
    [],
    'descriptors opened by the runs and left open',
  );
  assert.deepEqual(zombieChildren(), []);
  assert.equal(payloadPaths.length, 42);
  assert.deepEqual(payloadPaths.filter((path) => existsSync(path) || existsSync(join(path, '..'))), []);
  assert.deepEqual(Object.fromEntries([...outcomes].sort()), { exited: 214, output_cap: 43, start_failed: 43 });
});
