// The queue agent's checks on a stored copy (SPEC 9.1), in order: for me, signed, signer known,
// timestamp fresh against the time JetStream stored it (with the copy's own --expire as the
// window), nonce unseen, not expired. Only a copy that passes all of them is taken and run.
import { verifyBody, type QueuedEnvelope } from '../../fleet/index.js';

export interface QueueAdmitContext {
  agentName: string;
  storedAt: number; // ms, JetStream's timestamp of the copy
  now: number;
  seenNonce: (nonce: string) => boolean;
  isKnownSigner: (publicKey: string) => boolean;
}

export type QueueDropReason = 'not for me' | 'bad signature' | 'unknown signer' | 'bad expiry' | 'stale or future timestamp' | 'replayed nonce';

export type QueueAdmission = { verdict: 'run' } | { verdict: 'expired' } | { verdict: 'drop'; reason: QueueDropReason };

// Decides what happens to a copy. `expired` is only said of a genuine copy (signed by a known
// signer, never seen), so a forger cannot make an agent write records about anything.
export function admitQueued(envelope: QueuedEnvelope, context: QueueAdmitContext): QueueAdmission {
  if (envelope.to !== context.agentName) return { verdict: 'drop', reason: 'not for me' };
  if (!verifyBody(envelope, envelope.sender_public_key)) return { verdict: 'drop', reason: 'bad signature' };
  if (!context.isKnownSigner(envelope.sender_public_key)) return { verdict: 'drop', reason: 'unknown signer' };
  const window = envelope.expires - envelope.ts;
  if (window <= 0) return { verdict: 'drop', reason: 'bad expiry' };
  // The copy waits in the queue for as long as --expire allows, so "fresh" is measured when it
  // was stored: a signature made long before (or after) that is a replay or a forged clock.
  if (Math.abs(context.storedAt - envelope.ts) > window) return { verdict: 'drop', reason: 'stale or future timestamp' };
  if (context.seenNonce(envelope.nonce)) return { verdict: 'drop', reason: 'replayed nonce' };
  if (context.now > envelope.expires) return { verdict: 'expired' };
  return { verdict: 'run' };
}
