// Concurrency slots (code 3005), in-process: a command's `concurrency`, the daemon's
// --max-running, and the counts behind them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandSpec } from '../../src/config/index.js';
import { codes, RelayError } from '../../src/protocol/index.js';
import { RunSlots } from '../../src/relay/slots.js';
import { KeyedCounts } from '../../src/relay/index.js';
import { load, MINIMAL_AUTH } from '../config/helpers.js';

const RELAYS = [
  '[default]',
  'free = /bin/true',
  '[default::single]',
  'command = /bin/true',
  'concurrency = 1',
  '[ops::pair]',
  'command = /bin/true',
  'concurrency = 2',
  '',
].join('\n');
const snapshot = load(MINIMAL_AUTH, RELAYS);

function command(cluster: string, name: string): CommandSpec {
  const spec = snapshot.clusters.get(cluster)?.get(name);
  assert.ok(spec, `${cluster}::${name}`);
  return spec;
}

// Asserts that `take` fails with 3005 and the given detail.
function assertBusy(take: () => unknown, detail: string): void {
  assert.throws(take, (error: unknown) => {
    assert.ok(error instanceof RelayError);
    assert.equal(error.code, codes.BUSY.code);
    assert.equal(error.message, `${codes.BUSY.message}: ${detail}`);
    return true;
  });
}

describe('RunSlots', () => {
  it('refuses a command past its concurrency, naming it, until a slot is given back', () => {
    const slots = new RunSlots(null);
    const release = slots.acquire(command('ops', 'pair'));
    slots.acquire(command('ops', 'pair'));
    assertBusy(() => slots.acquire(command('ops', 'pair')), 'ops::pair is already running 2 times');
    release();
    assert.doesNotThrow(() => slots.acquire(command('ops', 'pair')));
  });

  it('counts each command on its own', () => {
    const slots = new RunSlots(null);
    slots.acquire(command('default', 'single'));
    assertBusy(() => slots.acquire(command('default', 'single')), 'default::single is already running 1 times');
    assert.doesNotThrow(() => slots.acquire(command('ops', 'pair')));
    assert.equal(slots.running(), 2);
  });

  it('refuses any command past --max-running', () => {
    const slots = new RunSlots(2);
    slots.acquire(command('default', 'free'));
    slots.acquire(command('ops', 'pair'));
    assertBusy(() => slots.acquire(command('default', 'free')), 'the daemon is already running 2 commands');
  });

  it('without limits takes every run', () => {
    const slots = new RunSlots(null);
    for (let i = 0; i < 100; i += 1) slots.acquire(command('default', 'free'));
    assert.equal(slots.running(), 100);
  });

  it('gives a slot back once, however often release is called', () => {
    const slots = new RunSlots(null);
    const release = slots.acquire(command('default', 'single'));
    slots.acquire(command('default', 'free'));
    release();
    release();
    assert.equal(slots.running(), 1);
    slots.acquire(command('default', 'single'));
    assertBusy(() => slots.acquire(command('default', 'single')), 'default::single is already running 1 times');
  });

  it('keys by cluster::name, so a reloaded spec of the same command shares its count', () => {
    const slots = new RunSlots(null);
    slots.acquire(command('default', 'single'));
    const reloaded = load(MINIMAL_AUTH, '[default::single]\ncommand = /bin/echo reloaded\nconcurrency = 1\n').clusters.get('default')?.get('single');
    assert.ok(reloaded);
    assertBusy(() => slots.acquire(reloaded), 'default::single is already running 1 times');
  });
});

describe('KeyedCounts', () => {
  it('counts holders per key and in all, and forgets a key whose count is back to 0', () => {
    const counts = new KeyedCounts();
    const a1 = counts.take('a');
    const a2 = counts.take('a');
    counts.take('b');
    assert.deepEqual([counts.of('a'), counts.of('b'), counts.total()], [2, 1, 3]);
    a1();
    a1();
    assert.deepEqual([counts.of('a'), counts.total()], [1, 2]);
    a2();
    assert.deepEqual([counts.of('a'), counts.total()], [0, 1]);
  });
});
