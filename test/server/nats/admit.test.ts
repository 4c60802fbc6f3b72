// The agent's door checks: each way a request can be forged, replayed, delayed or mis-aimed.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateIdentity, signBody, type Identity, type RequestEnvelope } from '../../../src/fleet/index.js';
import { admitRequest, ReplayCache, type AdmitContext } from '../../../src/server/nats/index.js';

function identity(): Identity {
  const { pem, publicKey } = generateIdentity();
  return { privateKey: createPrivateKey(pem), publicKey };
}

const NOW = 1_700_000_000_000;
const sender = identity();

function envelope(overrides: Partial<Omit<RequestEnvelope, 'sig'>> = {}, by: Identity = sender): RequestEnvelope {
  return signBody(
    { v: 1, type: 'request', to: 'web1.prod', reply: '_INBOX.abc', request: { command: 'x' }, sender_public_key: by.publicKey, nonce: 'nonce-1', ts: NOW, ...overrides },
    by,
  );
}

function context(overrides: Partial<AdmitContext> = {}): AdmitContext {
  return {
    agentName: 'web1.prod',
    allowSkewMs: 30_000,
    startedAt: NOW - 60_000,
    now: NOW,
    replay: new ReplayCache(100),
    isKnownSigner: (key) => key === sender.publicKey,
    ...overrides,
  };
}

const reason = (verdict: ReturnType<typeof admitRequest>) => (verdict.admit ? 'admitted' : verdict.reason);

describe('admitRequest', () => {
  it('admits a fresh, signed request from a known signer aimed at this agent', () => {
    assert.equal(reason(admitRequest(envelope(), context())), 'admitted');
  });

  it('ignores a request aimed at another agent', () => {
    assert.equal(reason(admitRequest(envelope({ to: 'web2.prod' }), context())), 'not for me');
  });

  it('rejects a forged signature (field changed after signing)', () => {
    assert.equal(reason(admitRequest({ ...envelope(), request: { command: 'evil' } }, context())), 'bad signature');
  });

  it('rejects a request re-aimed after signing, even at this agent', () => {
    const aimedElsewhere = envelope({ to: 'db1.prod' });
    assert.equal(reason(admitRequest({ ...aimedElsewhere, to: 'web1.prod' }, context())), 'bad signature');
  });

  it('rejects a request re-signed by another key claiming the known sender', () => {
    const attacker = identity();
    const body = envelope({}, attacker);
    assert.equal(reason(admitRequest({ ...signBody({ ...body, sender_public_key: sender.publicKey }, attacker) }, context())), 'bad signature');
  });

  it('rejects a correctly signed request from an unknown signer', () => {
    const stranger = identity();
    assert.equal(reason(admitRequest(envelope({}, stranger), context())), 'unknown signer');
  });

  it('rejects stale and future timestamps outside --allow-skew, accepts at the edge', () => {
    assert.equal(reason(admitRequest(envelope({ ts: NOW - 30_001 }), context())), 'stale or future timestamp');
    assert.equal(reason(admitRequest(envelope({ ts: NOW + 30_001 }), context())), 'stale or future timestamp');
    assert.equal(reason(admitRequest(envelope({ ts: NOW - 30_000, nonce: 'edge' }), context())), 'admitted');
  });

  it('rejects a request timestamped before the agent started (its replay cache is empty)', () => {
    assert.equal(reason(admitRequest(envelope({ ts: NOW - 1000 }), context({ startedAt: NOW }))), 'sent before the agent started');
  });

  it('rejects a replayed nonce within the window', () => {
    const ctx = context();
    const first = envelope();
    assert.equal(reason(admitRequest(first, ctx)), 'admitted');
    assert.equal(reason(admitRequest(first, ctx)), 'replayed nonce');
    assert.equal(reason(admitRequest(first, { ...ctx, now: NOW + 20_000 })), 'replayed nonce');
    // After the window the timestamp check refuses it.
    assert.equal(reason(admitRequest(first, { ...ctx, now: NOW + 30_001 })), 'stale or future timestamp');
  });

  it('does not let a rejected message burn a nonce', () => {
    const ctx = context();
    const forged = { ...envelope(), request: { command: 'evil' } };
    assert.equal(reason(admitRequest(forged, ctx)), 'bad signature');
    assert.equal(reason(admitRequest(envelope(), ctx)), 'admitted');
  });

  it('refuses when the replay cache is full of live nonces, and prunes expired ones', () => {
    const ctx = context({ replay: new ReplayCache(2) });
    assert.equal(reason(admitRequest(envelope({ nonce: 'a' }), ctx)), 'admitted');
    assert.equal(reason(admitRequest(envelope({ nonce: 'b' }), ctx)), 'admitted');
    assert.equal(reason(admitRequest(envelope({ nonce: 'c' }), ctx)), 'replay cache full');
    const later = { ...ctx, now: NOW + 40_000 };
    assert.equal(reason(admitRequest(envelope({ nonce: 'c', ts: NOW + 40_000 }), later)), 'admitted');
    assert.equal(ctx.replay.size(), 1);
  });

  it('rejects a reply subject with wildcards', () => {
    assert.equal(reason(admitRequest(envelope({ reply: 'uscmdrelay.>' }), context())), 'bad reply subject');
  });
});
