// Signatures over envelopes: ed25519 over a domain tag plus the canonical JSON of every field
// except `sig`. The tag keeps a fleet signature from meaning anything anywhere else.
import { sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import { parsePublicKey, type Identity } from './identity.js';

const DOMAIN = 'uscmdrelay-fleet-v1\n';

function signedBytes(body: object): Buffer {
  const { sig: _sig, ...rest } = body as Record<string, unknown>;
  return Buffer.from(DOMAIN + canonicalJson(rest), 'utf8');
}

// Returns the body with `sig` (unpadded base64url) added.
export function signBody<T extends object>(body: T, identity: Identity): T & { sig: string } {
  const sig = sign(null, signedBytes(body), identity.privateKey).toString('base64url');
  return { ...body, sig };
}

// Whether `sig` is a valid signature of the rest of the body by this public key.
export function verifyBody(body: object & { sig?: unknown }, publicKey: string): boolean {
  const key = parsePublicKey(publicKey);
  if (key === null || typeof body.sig !== 'string' || !/^[A-Za-z0-9_-]{86}$/.test(body.sig)) return false;
  try {
    return verify(null, signedBytes(body), key, Buffer.from(body.sig, 'base64url'));
  } catch {
    return false;
  }
}
