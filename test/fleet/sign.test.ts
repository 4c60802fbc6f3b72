// Canonical signing of fleet envelopes: what the signature covers, and forgeries it catches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, generateIdentity, loadIdentity, signBody, verifyBody, type Identity } from '../../src/fleet/index.js';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/daemon.js';

function identity(): Identity {
  const { pem, publicKey } = generateIdentity();
  return { privateKey: createPrivateKey(pem), publicKey };
}

const request = (sender: Identity) => ({
  v: 1 as const,
  type: 'request' as const,
  to: 'web1.prod',
  reply: '_INBOX.x',
  request: { command: 'deploy::restart', arguments: ['a', 'b'] },
  sender_public_key: sender.publicKey,
  nonce: 'n1',
  ts: 1_700_000_000_000,
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops white space', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }), '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('is the same for the same value whatever the key order', () => {
    assert.equal(canonicalJson(JSON.parse('{"x":1,"y":{"b":2,"a":1}}')), canonicalJson(JSON.parse('{"y":{"a":1,"b":2},"x":1}')));
  });
  it('keeps __proto__ as an ordinary key', () => {
    assert.equal(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}')), '{"__proto__":{"x":1},"a":2}');
  });
  it('refuses values JSON cannot carry', () => {
    assert.throws(() => canonicalJson({ a: Number.NaN }), /non-finite/);
    assert.throws(() => canonicalJson({ a: 1n }), /bigint/);
  });
});

describe('signatures', () => {
  it('verifies a signed body, also after a JSON round trip with keys reordered', () => {
    const sender = identity();
    const signed = signBody(request(sender), sender);
    assert.match(signed.sig, /^[A-Za-z0-9_-]{86}$/);
    assert.equal(verifyBody(signed, sender.publicKey), true);
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(signed).reverse()))) as typeof signed;
    assert.equal(verifyBody(reordered, sender.publicKey), true);
  });

  it('rejects every tampered field: target, command, arguments, timestamp, nonce, reply, type', () => {
    const sender = identity();
    const signed = signBody(request(sender), sender);
    const tampered = [
      { ...signed, to: 'ALL' },
      { ...signed, request: { ...signed.request, command: 'deploy::wipe' } },
      { ...signed, request: { ...signed.request, arguments: ['a', 'c'] } },
      { ...signed, ts: signed.ts + 1 },
      { ...signed, nonce: 'n2' },
      { ...signed, reply: '_INBOX.attacker' },
      { ...signed, type: 'signal' },
      { ...signed, extra: 'field' },
    ];
    for (const body of tampered) assert.equal(verifyBody(body, sender.publicKey), false, JSON.stringify(body));
  });

  it('rejects a body re-signed by another key but still naming the first sender', () => {
    const sender = identity();
    const attacker = identity();
    const resigned = signBody(request(sender), attacker);
    assert.equal(verifyBody(resigned, sender.publicKey), false);
    assert.equal(verifyBody(resigned, attacker.publicKey), true); // valid only for the attacker's own key
  });

  it('rejects missing, malformed and truncated signatures and bad public keys', () => {
    const sender = identity();
    const signed = signBody(request(sender), sender);
    assert.equal(verifyBody({ ...signed, sig: undefined }, sender.publicKey), false);
    assert.equal(verifyBody({ ...signed, sig: signed.sig.slice(0, 85) }, sender.publicKey), false);
    assert.equal(verifyBody({ ...signed, sig: 42 }, sender.publicKey), false);
    assert.equal(verifyBody(signed, 'not-a-key'), false);
    assert.equal(verifyBody(signed, `${sender.publicKey.slice(0, 42)}!`), false);
  });
});

describe('identity files', () => {
  it('a fresh identity is a working ed25519 pair, different each time', () => {
    const first = generateIdentity();
    const privateKey = createPrivateKey(first.pem);
    assert.equal(privateKey.asymmetricKeyType, 'ed25519');
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: first.publicKey }, format: 'jwk' });
    const message = Buffer.from('deploy::restart');
    assert.equal(verify(null, message, publicKey, sign(null, message, privateKey)), true);
    const second = generateIdentity();
    assert.notEqual(second.publicKey, first.publicKey);
    assert.notEqual(second.pem, first.pem);
  });

  it('public key is 43 chars of unpadded base64url of the raw 32 bytes', () => {
    const { pem, publicKey } = generateIdentity();
    assert.match(publicKey, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(publicKey, 'base64url').length, 32);
    const file = join(tempDir('fleet-id-'), 'id.pem');
    writeFileSync(file, pem, { mode: 0o644 });
    const loaded = loadIdentity(file);
    assert.equal(loaded.identity.publicKey, publicKey);
    assert.deepEqual(loaded.warnings, [`${file} is readable by group or others; chmod 600 it`]);
  });
});
