// The doors' backpressure wait: released by 'drain' or 'close', and leaving no listener behind
// (a long stream pauses thousands of times on one socket).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { drained } from '../../src/server/drained.js';

// A writable that holds each write until release() is called.
function slowWritable(): { stream: Writable; release: () => void } {
  let pending: (() => void) | null = null;
  const stream = new Writable({
    highWaterMark: 4,
    write(_chunk, _encoding, callback) {
      pending = callback;
    },
  });
  return { stream, release: () => pending?.() };
}

it('resolves at drain, a thousand times over, without collecting listeners', async () => {
  const { stream, release } = slowWritable();
  const baseline = { drain: stream.listenerCount('drain'), close: stream.listenerCount('close'), error: stream.listenerCount('error') };
  for (let i = 0; i < 1000; i += 1) {
    assert.equal(stream.write('12345678'), false);
    const waiting = drained(stream);
    release();
    await waiting;
  }
  assert.deepEqual({ drain: stream.listenerCount('drain'), close: stream.listenerCount('close'), error: stream.listenerCount('error') }, baseline);
});

it('resolves when the stream closes instead', async () => {
  const { stream } = slowWritable();
  stream.write('12345678');
  let released = false;
  const waiting = drained(stream).then(() => (released = true));
  await tick();
  assert.equal(released, false);
  stream.destroy();
  await waiting;
  assert.equal(stream.listenerCount('close'), 0);
});
