// Issue 9, item 4: the connection accounting every door shares.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionLimits, defaultMaxPerAddress, normalizeAddress } from '../../src/server/index.js';

function admit(limits: ConnectionLimits, address: string): () => void {
  const result = limits.tryOpen(address);
  assert.equal(typeof result, 'function', `refused ${address}: ${String(result)}`);
  if (typeof result !== 'function') throw new Error('unreachable');
  return result;
}

test('normalizes the forms of one source', () => {
  assert.equal(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(normalizeAddress('::FFFF:10.1.2.3'), '10.1.2.3');
  assert.equal(normalizeAddress('FE80::1%eth0'), 'fe80::1');
  assert.equal(normalizeAddress('2001:DB8::1'), '2001:db8::1');
  assert.equal(normalizeAddress('::ffff:abcd'), '::ffff:abcd'); // not a mapped IPv4 address
});

test('one address gets at most maxPerAddress; another still gets in', () => {
  const limits = new ConnectionLimits({ maxConnections: 10, maxPerAddress: 2 });
  const first = admit(limits, '127.0.0.1');
  admit(limits, '::ffff:127.0.0.1');
  assert.equal(limits.tryOpen('127.0.0.1'), 'address');
  assert.equal(limits.tryOpen('::ffff:127.0.0.1'), 'address');
  admit(limits, '127.0.0.2');
  assert.equal(limits.open(), 3);
  first();
  first(); // releasing twice frees one slot only
  assert.equal(limits.open(), 2);
  admit(limits, '127.0.0.1');
  assert.equal(limits.tryOpen('127.0.0.1'), 'address');
});

test('the total limit holds across addresses and wins over the per-address one', () => {
  const limits = new ConnectionLimits({ maxConnections: 3, maxPerAddress: 2 });
  admit(limits, '10.0.0.1');
  admit(limits, '10.0.0.2');
  const third = admit(limits, '10.0.0.3');
  assert.equal(limits.tryOpen('10.0.0.4'), 'total');
  third();
  admit(limits, '10.0.0.4');
});

test('the default per-address limit is an eighth of the total, at least 1', () => {
  assert.equal(defaultMaxPerAddress(1024), 128);
  assert.equal(defaultMaxPerAddress(5), 1);
  assert.equal(defaultMaxPerAddress(0), 1);
});
