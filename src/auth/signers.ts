// Fleet signers (SPEC 9): auth.conf entries that name an ed25519 public key instead of a key.
import type { ConfigSnapshot, KeyEntry } from '../config/index.js';

// The entry of a fleet sender proven (by its signature) to hold this ed25519 public key.
export function findSignerEntry(keys: readonly KeyEntry[], publicKey: string): KeyEntry | null {
  return keys.find((entry) => entry.publicKey === publicKey) ?? null;
}

// Whether this snapshot knows the signer: an agent drops a request from one it does not know
// without an answer (SPEC 9), before the road would refuse it with 1000.
export function isKnownSigner(snapshot: ConfigSnapshot, publicKey: string): boolean {
  return findSignerEntry(snapshot.keys, publicKey) !== null;
}
