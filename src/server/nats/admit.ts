// The agent's door checks on a request envelope (SPEC 9), in order: aimed at me, signed,
// signer known, fresh timestamp, unseen nonce. Like a TLS handshake this proves who sent it;
// what that signer may run is still the core road's decision.
import { matchesTarget, verifyBody, type RequestEnvelope } from '../../fleet/index.js';
import type { ReplayCache } from './replay.js';

export interface AdmitContext {
  agentName: string;
  allowSkewMs: number;
  startedAt: number; // ms; the replay cache knows nothing from before
  now: number;
  replay: ReplayCache;
  isKnownSigner: (publicKey: string) => boolean;
}

export type Admission =
  | { admit: true }
  | { admit: false; reason: 'not for me' | 'bad signature' | 'unknown signer' | 'stale or future timestamp' | 'sent before the agent started' | 'replayed nonce' | 'replay cache full' | 'bad reply subject' };

const REPLY_SUBJECT = /^[^\s*>]{1,255}$/;

// Decides whether the agent runs this request. Only a message that passed every check marks its
// nonce as seen, so unsigned junk cannot fill the replay cache or burn a real sender's nonce.
export function admitRequest(envelope: RequestEnvelope, context: AdmitContext): Admission {
  if (!matchesTarget(envelope.to, context.agentName)) return { admit: false, reason: 'not for me' };
  if (!verifyBody(envelope, envelope.sender_public_key)) return { admit: false, reason: 'bad signature' };
  if (!context.isKnownSigner(envelope.sender_public_key)) return { admit: false, reason: 'unknown signer' };
  if (Math.abs(context.now - envelope.ts) > context.allowSkewMs) return { admit: false, reason: 'stale or future timestamp' };
  // A restarted agent has an empty cache: a message from before its start could be a replay of
  // one its previous run already executed.
  if (envelope.ts < context.startedAt) return { admit: false, reason: 'sent before the agent started' };
  if (!REPLY_SUBJECT.test(envelope.reply)) return { admit: false, reason: 'bad reply subject' };
  const seen = context.replay.remember(envelope.nonce, envelope.ts + context.allowSkewMs, context.now);
  if (seen === 'replay') return { admit: false, reason: 'replayed nonce' };
  if (seen === 'full') return { admit: false, reason: 'replay cache full' };
  return { admit: true };
}
