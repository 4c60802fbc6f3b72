// ed25519 identities of fleet senders and agents (SPEC 9): a PKCS8 PEM private key on disk, and
// the public key as 43 characters of unpadded base64url of its raw 32 bytes (the auth.conf form).
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { accessibleByGroupOrOthers, isEd25519PublicKey } from '../config/index.js';

export interface Identity {
  privateKey: KeyObject;
  publicKey: string; // the agreed text form
}

// The PKCS8 DER of an ed25519 private key is this prefix and the key's 32 bytes (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

// A fresh key pair: the PEM to store and the public key to hand out.
//
// An ed25519 private key is 32 random bytes (RFC 8032, 5.1.5): they come from the CSPRNG, as in
// OpenSSL's own key generation. generateKeyPairSync is not used: in Node 20 the key-generation job
// it leaves to the garbage collector locks the key's mutex when it is collected, and a collection
// during the JWK export in publicKeyText (which holds that mutex) deadlocked `keygen` for good
// (seen once in the test suite; gdb: ~KeyGenJob waiting, on the same thread, for the mutex that
// ExportJWKEdKey held). A key imported from DER has no such job.
export function generateIdentity(): { pem: string; publicKey: string } {
  const seed = randomBytes(32);
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  try {
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return { pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: publicKeyText(privateKey) };
  } finally {
    seed.fill(0);
    der.fill(0);
  }
}

// The text form of the public half of a private (or public) ed25519 key.
export function publicKeyText(key: KeyObject): string {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an ed25519 key');
  return jwk.x;
}

// Reads a PEM private key file; `warnings` says when others may read it (as `call --key-file` does).
export function loadIdentity(file: string): { identity: Identity; warnings: string[] } {
  const warnings: string[] = [];
  if (accessibleByGroupOrOthers(statSync(file).mode)) warnings.push(`${file} is readable by group or others; chmod 600 it`);
  const privateKey = createPrivateKey(readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file}: not an ed25519 private key`);
  return { identity: { privateKey, publicKey: publicKeyText(privateKey) }, warnings };
}

// Parsed public keys are cached: a sender checks every reply, an agent every request.
const publicKeys = new Map<string, KeyObject>();
const CACHE_LIMIT = 4096;

// The KeyObject of a public key in text form, or null when the text is not one.
export function parsePublicKey(text: string): KeyObject | null {
  const cached = publicKeys.get(text);
  if (cached) return cached;
  // The one spelling auth.conf accepts (config's check): a key no auth.conf can name is no key.
  if (!isEd25519PublicKey(text)) return null;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: text }, format: 'jwk' });
  } catch {
    return null;
  }
  if (publicKeys.size >= CACHE_LIMIT) publicKeys.clear();
  publicKeys.set(text, key);
  return key;
}
