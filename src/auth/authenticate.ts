// Who is asking: the credential a door carried, checked against one configuration snapshot.
import type { ConfigSnapshot, KeyEntry } from '../config/index.js';
import { hashKey } from '../config/index.js';
import { isAddressAllowed } from './address.js';
import { findKeyEntry } from './find-key.js';
import { findSignerEntry } from './signers.js';
import type { FailureThrottle } from './throttle.js';

// What a door hands the road as proof of who asks. A door only carries it; checking it is
// authenticateCredential's work. A bearer token or a client certificate is one more member
// here, with its look-up in authenticateCredential and its owner in credentialOwner.
export type Credential =
  // A client's auth key: the body's `auth_key` (TCP) or `Authorization: Bearer KEY` (HTTP).
  | { kind: 'auth_key'; key: string }
  // An ed25519 public key whose signature the door has verified (the NATS agent, SPEC 9).
  | { kind: 'signer'; publicKey: string };

export type AuthFailure = 'throttled' | 'unknown key' | 'source address not allowed';

export type Authentication = { ok: true; key: KeyEntry } | { ok: false; failure: AuthFailure; key?: KeyEntry };

// The auth.conf entry this credential proves, if it may be used from this address and the
// address is not throttled. Every failure but the throttle's own counts against the address.
export function authenticateCredential(credential: Credential, snapshot: ConfigSnapshot, remoteAddress: string, throttle: FailureThrottle): Authentication {
  if (throttle.isBlocked(remoteAddress)) return { ok: false, failure: 'throttled' };
  const entry = credential.kind === 'signer' ? findSignerEntry(snapshot.keys, credential.publicKey) : findKeyEntry(snapshot.keys, credential.key);
  if (entry !== null && isAddressAllowed(entry, remoteAddress)) return { ok: true, key: entry };
  throttle.recordFailure(remoteAddress);
  return entry === null ? { ok: false, failure: 'unknown key' } : { ok: false, failure: 'source address not allowed', key: entry };
}

// Who owns what a credential starts (a job): the credential itself, hashed — not the entry's
// label, which a SIGHUP may give to another key.
export function credentialOwner(credential: Credential): string {
  if (credential.kind === 'signer') return `ed25519:${credential.publicKey}`;
  return `sha256:${hashKey(credential.key).toString('hex')}`;
}
