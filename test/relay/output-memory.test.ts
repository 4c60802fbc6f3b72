// Issue 9, item 7: the daemon-wide budget of captured output, in-process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOutputCollector } from '../../src/exec/output-collect.js';
import { OutputMemory } from '../../src/relay/output-memory.js';

test('accounts take what fits, release gives it all back once, and no room is left at the budget', () => {
  const memory = new OutputMemory(100);
  const a = memory.open();
  const b = memory.open();
  assert.equal(a.take(60), true);
  assert.equal(b.take(50), false, 'would pass the budget');
  assert.equal(b.take(40), true);
  assert.equal(memory.held(), 100);
  assert.equal(memory.hasRoom(), false);
  a.release();
  a.release();
  assert.equal(memory.held(), 40);
  assert.equal(memory.hasRoom(), true);
  assert.equal(a.take(1), false, 'a released account takes nothing more');
  b.release();
  assert.equal(memory.held(), 0);
});

test('no budget: everything fits', () => {
  const memory = new OutputMemory(null);
  assert.equal(memory.open().take(Number.MAX_SAFE_INTEGER), true);
  assert.equal(memory.hasRoom(), true);
});

test('a collector whose account runs dry is cut as at its cap, keeping what was taken', async () => {
  const memory = new OutputMemory(10);
  const account = memory.open();
  let capped = 0;
  const collector = createOutputCollector(1_000_000, null, () => (capped += 1), account);
  await collector.push('stdout', Buffer.from('12345678'));
  await collector.push('stdout', Buffer.from('abcdef'));
  await collector.push('stderr', Buffer.from('x'));
  const output = await collector.finish();
  assert.deepEqual(output, { stdout: '12345678', stderr: '', truncated: true });
  assert.equal(capped, 1);
  assert.equal(memory.held(), 8);
});

test('stream mode (a listener) is not counted: backpressure bounds it', async () => {
  const memory = new OutputMemory(4);
  const account = memory.open();
  const seen: string[] = [];
  const collector = createOutputCollector(null, (event) => void seen.push(event.data), () => assert.fail('capped'), account);
  await collector.push('stdout', Buffer.from('streamed, not kept'));
  assert.deepEqual((await collector.finish()).truncated, false);
  assert.deepEqual(seen, ['streamed, not kept']);
  assert.equal(memory.held(), 0);
});
