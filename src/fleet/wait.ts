// Semaphores (SPEC 9): `wait NAME` takes the first valid signal on the name's subject. Only
// signals published while it is subscribed reach it (NATS core keeps nothing: remaphore's rule).
import type { NatsConnection } from '@nats-io/transport-node';
import { setLongTimeout } from '../timers/index.js';
import { decodeEnvelope } from './decode.js';
import type { SignalEnvelope } from './envelope.js';
import { verifyBody } from './sign.js';
import { signalSubject } from './subjects.js';
import { agentNameProblem } from './target.js';

export interface WaitOptions {
  connection: NatsConnection;
  name: string;
  timeoutMs: number | null; // null: wait forever
  allowSkewMs: number;
  // Public keys whose signals count (`--trust`); null: every correctly self-signed signal counts.
  trustedKeys: ReadonlySet<string> | null;
  onRejected?: (reason: string) => void;
  onReady?: () => void; // the broker has the subscription: signals from now on count
}

// Why a signal does not count, or null when it does.
function signalProblem(envelope: SignalEnvelope, options: WaitOptions): string | null {
  if (envelope.name !== options.name) return 'signal for another name';
  if (!verifyBody(envelope, envelope.sender_public_key)) return 'bad signature';
  if (options.trustedKeys !== null && !options.trustedKeys.has(envelope.sender_public_key)) return 'untrusted signer';
  if (Math.abs(Date.now() - envelope.ts) > options.allowSkewMs) return 'stale or future timestamp';
  return null;
}

// The first signal that counts, or null at the timeout.
export async function waitForSignal(options: WaitOptions): Promise<SignalEnvelope | null> {
  const problem = agentNameProblem(options.name);
  if (problem !== null) throw new Error(`signal ${problem}`);
  const subscription = options.connection.subscribe(signalSubject(options.name));
  await options.connection.flush();
  options.onReady?.();
  const disarm = options.timeoutMs === null ? () => {} : setLongTimeout(() => subscription.unsubscribe(), options.timeoutMs);
  try {
    for await (const msg of subscription) {
      const decoded = decodeEnvelope(msg.data);
      if (!decoded.ok || decoded.envelope.type !== 'signal') {
        options.onRejected?.(decoded.ok ? 'not a signal' : decoded.reason);
        continue;
      }
      const reason = signalProblem(decoded.envelope, options);
      if (reason === null) return decoded.envelope;
      options.onRejected?.(reason);
    }
    return null;
  } finally {
    disarm();
    subscription.unsubscribe();
  }
}
