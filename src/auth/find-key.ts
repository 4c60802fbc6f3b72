// Finds the auth.conf entry for a presented key, without leaking timing or key material.
import { timingSafeEqual } from 'node:crypto';
import { hashKey, type KeyEntry } from '../config/index.js';

// Compares the key's SHA-256 with every entry's in constant time and never stops early, so the
// time taken does not tell how close a guess was or where in the file a key sits.
export function findKeyEntry(keys: readonly KeyEntry[], presentedKey: string): KeyEntry | null {
  const presented = hashKey(presentedKey);
  let found: KeyEntry | null = null;
  for (const entry of keys) {
    if (entry.keyHash !== null && timingSafeEqual(entry.keyHash, presented) && found === null) found = entry;
  }
  return found;
}
