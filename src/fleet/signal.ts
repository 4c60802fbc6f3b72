// Semaphores (SPEC 9): `signal NAME` publishes one signed event on the name's subject.
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { FLEET_VERSION, type SignalEnvelope } from './envelope.js';
import type { Identity } from './identity.js';
import { signBody } from './sign.js';
import { signalSubject } from './subjects.js';
import { agentNameProblem } from './target.js';

// Publishes and waits until the broker has it (NATS core: only current waiters will see it).
export async function publishSignal(connection: NatsConnection, identity: Identity, name: string, message: string): Promise<SignalEnvelope> {
  const problem = agentNameProblem(name);
  if (problem !== null) throw new Error(`signal ${problem}`);
  const body: Omit<SignalEnvelope, 'sig'> = {
    v: FLEET_VERSION,
    type: 'signal',
    name,
    message,
    sender_public_key: identity.publicKey,
    nonce: randomBytes(16).toString('base64url'),
    ts: Date.now(),
  };
  const envelope = signBody(body, identity);
  connection.publish(signalSubject(name), JSON.stringify(envelope));
  await connection.flush();
  return envelope;
}
