// How a key is named without being shown: its SHA-256, a short label, and fleet public keys.
import { hash } from 'node:crypto';
import { loadNativeAddon } from '../native/addon.js';

const ED25519_PUBLIC_KEY = /^[A-Za-z0-9_-]{43}$/u;

// The SHA-256 of a key as auth.conf's key_sha256 holds it (of the key's UTF-8 bytes). Every
// request's key is hashed before its command starts: through the addon when it can (OpenSSL's
// SHA256_* without EVP's algorithm fetch, 10 µs with cold caches where crypto.hash costs 14),
// else crypto.hash (one call, no Hash object: about half createHash's time). The same bytes.
let sha256: ((text: string) => Buffer) | undefined;
export function hashKey(key: string): Buffer {
  sha256 ??= loadNativeAddon()?.sha256 ?? ((text) => hash('sha256', text, 'buffer'));
  return sha256(key);
}

// The label of an original-form key: `sha256:` and the first 12 hex digits of its hash.
export function labelForOriginalKey(hash: Buffer): string {
  return `sha256:${hash.toString('hex').slice(0, 12)}`;
}

// Whether s is an ed25519 public key as the fleet writes it: 43 chars of unpadded base64url, 32 bytes.
export function isEd25519PublicKey(s: string): boolean {
  if (!ED25519_PUBLIC_KEY.test(s)) return false;
  const raw = Buffer.from(s, 'base64url');
  // The round trip rejects the non-canonical spellings whose last character carries stray bits.
  return raw.length === 32 && raw.toString('base64url') === s;
}
