// The durable queue's pieces in-process: the admission checks on a stored copy, the replay
// memory on disk, fitting an answer into one broker message, names and durations.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeQueued, decodeRecord, durableName, fitRecord, parseDuration, signBody, TRUNCATED_NOTE, verifyBody, type QueueRecord, type QueuedEnvelope } from '../../src/fleet/index.js';
import { admitQueued, NonceStore, type QueueAdmitContext } from '../../src/server/nats/index.js';
import { newIdentity } from './helpers/fleet.js';
import { tempDir } from '../helpers/daemon.js';

const sender = newIdentity();
const agent = newIdentity();
const NOW = 1_800_000_000_000;
const HOUR = 3600_000;

function copy(fields: Partial<QueuedEnvelope> = {}): QueuedEnvelope {
  const body: Omit<QueuedEnvelope, 'sig'> = {
    v: 1,
    type: 'queued',
    id: '0123456789abcdef01234567',
    to: 'web1.prod',
    request: { command: 'test::echo' },
    sender_public_key: sender.publicKey,
    nonce: 'nonce-1',
    ts: NOW,
    expires: NOW + HOUR,
    ...fields,
  };
  return signBody(body, sender);
}

const context = (fields: Partial<QueueAdmitContext> = {}): QueueAdmitContext => ({
  agentName: 'web1.prod',
  storedAt: NOW + 5,
  now: NOW + 10,
  seenNonce: () => false,
  isKnownSigner: (key) => key === sender.publicKey,
  ...fields,
});

describe('admitQueued', () => {
  it('runs a fresh, signed copy from a known signer', () => {
    assert.deepEqual(admitQueued(copy(), context()), { verdict: 'run' });
  });

  it('runs a copy that waited a day in the queue, within its --expire', () => {
    const envelope = copy({ expires: NOW + 48 * HOUR });
    assert.deepEqual(admitQueued(envelope, context({ now: NOW + 24 * HOUR })), { verdict: 'run' });
  });

  it('drops, each with its reason', () => {
    const reason = (envelope: QueuedEnvelope, fields: Partial<QueueAdmitContext> = {}) => {
      const admission = admitQueued(envelope, context(fields));
      return admission.verdict === 'drop' ? admission.reason : admission.verdict;
    };
    assert.equal(reason(copy({ to: 'web2.prod' })), 'not for me');
    assert.equal(reason({ ...copy(), request: { command: 'test::other' } }), 'bad signature');
    assert.equal(reason({ ...copy(), to: 'web1.prod', expires: NOW + 2 * HOUR }), 'bad signature');
    assert.equal(reason(signBody({ ...copy(), sender_public_key: agent.publicKey }, agent)), 'unknown signer');
    assert.equal(reason(copy({ expires: NOW })), 'bad expiry');
    assert.equal(reason(copy(), { storedAt: NOW + HOUR + 1 }), 'stale or future timestamp');
    assert.equal(reason(copy(), { storedAt: NOW - HOUR - 1 }), 'stale or future timestamp');
    assert.equal(reason(copy(), { seenNonce: (nonce) => nonce === 'nonce-1' }), 'replayed nonce');
    assert.equal(reason(copy(), { now: NOW + HOUR + 1 }), 'expired');
  });

  it('never calls a replayed or forged copy expired', () => {
    assert.deepEqual(admitQueued(copy(), context({ now: NOW + 2 * HOUR, seenNonce: () => true })), { verdict: 'drop', reason: 'replayed nonce' });
    assert.deepEqual(admitQueued({ ...copy(), nonce: 'other' }, context({ now: NOW + 2 * HOUR })), { verdict: 'drop', reason: 'bad signature' });
  });
});

describe('NonceStore', () => {
  it('remembers across reopening, forgets what expired, and is private', () => {
    const dir = join(tempDir('nonces-'), 'queue');
    const store = new NonceStore(dir, 'n.jsonl', 10, NOW);
    assert.equal(store.remember('a', NOW + HOUR, NOW), 'fresh');
    assert.equal(store.remember('b', NOW + 10, NOW), 'fresh');
    assert.equal(store.remember('a', NOW + HOUR, NOW), 'replay');
    store.close();
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'n.jsonl')).mode & 0o777, 0o600);
    // A crash mid-write leaves a torn last line: skipped.
    appendFileSync(join(dir, 'n.jsonl'), '{"n":"c","u":');
    const reopened = new NonceStore(dir, 'n.jsonl', 10, NOW + 20);
    assert.equal(reopened.has('a', NOW + 20), true);
    assert.equal(reopened.has('b', NOW + 20), false);
    assert.equal(reopened.size(), 1);
    assert.equal(readFileSync(join(dir, 'n.jsonl'), 'utf8'), `{"n":"a","u":${NOW + HOUR}}\n`);
    reopened.close();
  });

  it('refuses rather than forgets when full of live nonces', () => {
    const store = new NonceStore(tempDir('nonces-'), 'n.jsonl', 2, NOW);
    assert.equal(store.remember('a', NOW + HOUR, NOW), 'fresh');
    assert.equal(store.remember('b', NOW + 5, NOW), 'fresh');
    assert.equal(store.remember('c', NOW + HOUR, NOW), 'full');
    assert.equal(store.remember('c', NOW + HOUR, NOW + 10), 'fresh');
    store.close();
  });
});

describe('fitRecord', () => {
  const record = (message: string): Omit<QueueRecord, 'sig'> => ({
    v: 1,
    type: 'queue-record',
    id: '0123456789abcdef01234567',
    agent: 'web1.prod',
    nonce: 'n',
    ts: NOW,
    state: 'answered',
    response: { status: 'ok', message, code: 0, exit_code: 0, signal: null, duration_ms: 1, request_id: 'r' },
    agent_public_key: agent.publicKey,
  });

  it('keeps a record that fits as it is', () => {
    const data = fitRecord(record('hello\n'), agent, 1024 * 1024);
    const decoded = decodeRecord(Buffer.from(data));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.response?.message, 'hello\n');
    assert.equal(decoded.value.response?.truncated, undefined);
  });

  it('cuts a large output to fit max_payload, keeping its start, still validly signed', () => {
    const big = 'line "with" escapes\n'.repeat(10_000);
    const data = fitRecord(record(big), agent, 64 * 1024);
    assert.ok(Buffer.byteLength(data) <= 63 * 1024);
    const decoded = decodeRecord(Buffer.from(data));
    assert.ok(decoded.ok);
    const message = decoded.value.response?.message ?? '';
    assert.ok(message.endsWith(TRUNCATED_NOTE));
    assert.ok(big.startsWith(message.slice(0, -TRUNCATED_NOTE.length)));
    assert.ok(message.length > 40_000);
    assert.equal(decoded.value.response?.truncated, true);
    assert.equal(verifyBody(decoded.value, agent.publicKey), true);
  });
});

describe('queue names and inputs', () => {
  it('gives every agent its own valid durable name', () => {
    assert.match(durableName('web1.prod.example'), /^agent_web1-prod-example_[0-9a-f]{12}$/);
    assert.notEqual(durableName('a.b'), durableName('a-b'));
    assert.ok(durableName(`${'x.'.repeat(120)}y`).length < 90);
  });

  it('reads days in durations', () => {
    assert.equal(parseDuration('7d'), 7 * 24 * HOUR);
    assert.equal(parseDuration('1d12h'), 36 * HOUR);
    assert.equal(parseDuration('2x'), null);
  });

  it('decodes only well-formed queued copies', () => {
    assert.ok(decodeQueued(Buffer.from(JSON.stringify(copy()))).ok);
    assert.deepEqual(decodeQueued(Buffer.from('nope')), { ok: false, reason: 'not a version 1 JSON object' });
    assert.deepEqual(decodeQueued(Buffer.from(JSON.stringify({ ...copy(), type: 'request' }))), { ok: false, reason: 'not a queued request' });
    assert.deepEqual(decodeQueued(Buffer.from(JSON.stringify({ ...copy(), expires: 'soon' }))), { ok: false, reason: 'not a queued request' });
  });
});
