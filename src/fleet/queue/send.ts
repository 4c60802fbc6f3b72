// `send --queue` (SPEC 9.1): one signed copy per registered agent the target aims at, stored in
// USCMDRELAY_QUEUE under that agent's subject, then the manifest `results` reads. Done when
// JetStream has acknowledged every copy; no target needs to be online.
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { FLEET_VERSION, type FleetRequest } from '../envelope.js';
import type { Identity } from '../identity.js';
import { signBody } from '../sign.js';
import { targetPatternProblem } from '../target.js';
import type { ManifestTarget, QueueManifest, QueuedEnvelope } from './envelope.js';
import { manifestSubject, newRequestId, queueSubject } from './names.js';
import { expandTarget, listAgents } from './registry.js';
import { openQueue, type QueueHandles } from './setup.js';

export interface QueueSendOptions {
  connection: NatsConnection;
  identity: Identity;
  to: string;
  request: FleetRequest;
  expireMs: number;
  resultRetentionMs: number | null;
  replicas: number;
  clock?: () => number;
}

export interface QueueSendResult {
  id: string;
  queued: ManifestTarget[]; // stored copies, by agent name
  failed: Array<{ agent: string; error: string }>; // copies JetStream did not acknowledge
  expires: number; // ms
  manifestError: string | null; // the copies are queued, but `results` will not know them
}

// Copies are stored this many at a time: a large fleet does not wait one round trip per agent.
const PUBLISH_BATCH = 256;

async function storeCopy(handles: QueueHandles, body: Omit<QueuedEnvelope, 'sig'>, identity: Identity): Promise<number> {
  // The message id lets JetStream drop a copy the client sent twice after a lost acknowledgement.
  const ack = await handles.js.publish(queueSubject(body.to), JSON.stringify(signBody(body, identity)), { msgID: `${body.id}.${body.to}` });
  return ack.seq;
}

// Queues the request; throws on a bad pattern or a broker without JetStream.
export async function queueFleetRequest(options: QueueSendOptions): Promise<QueueSendResult> {
  const problem = targetPatternProblem(options.to);
  if (problem !== null) throw new Error(problem);
  const clock = options.clock ?? Date.now;
  const handles = await openQueue(options.connection, { resultRetentionMs: options.resultRetentionMs, replicas: options.replicas });
  const targets = expandTarget(options.to, await listAgents(handles.registry));
  const id = newRequestId();
  const ts = clock();
  const expires = ts + options.expireMs;
  const queued: ManifestTarget[] = [];
  const failed: QueueSendResult['failed'] = [];
  for (let start = 0; start < targets.length; start += PUBLISH_BATCH) {
    const batch = targets.slice(start, start + PUBLISH_BATCH);
    const outcomes = await Promise.allSettled(
      batch.map((agent) => {
        const nonce = randomBytes(16).toString('base64url');
        const body: Omit<QueuedEnvelope, 'sig'> = { v: FLEET_VERSION, type: 'queued', id, to: agent.name, request: options.request, sender_public_key: options.identity.publicKey, nonce, ts, expires };
        return storeCopy(handles, body, options.identity);
      }),
    );
    outcomes.forEach((outcome, index) => {
      const agent = batch[index]?.name ?? '';
      if (outcome.status === 'fulfilled') queued.push({ agent, seq: outcome.value });
      else failed.push({ agent, error: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
    });
  }
  if (queued.length > 0) {
    const manifest: Omit<QueueManifest, 'sig'> = {
      v: FLEET_VERSION,
      type: 'queue-manifest',
      id,
      to: options.to,
      command: options.request.command ?? '',
      sender_public_key: options.identity.publicKey,
      ts,
      expires,
      targets: queued,
    };
    try {
      await handles.js.publish(manifestSubject(id), JSON.stringify(signBody(manifest, options.identity)), { msgID: `${id}.manifest` });
    } catch (error) {
      return { id, queued, failed, expires, manifestError: error instanceof Error ? error.message : String(error) };
    }
  }
  return { id, queued, failed, expires, manifestError: null };
}
