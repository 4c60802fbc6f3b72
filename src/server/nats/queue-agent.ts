// The queue side of an agent started with --queue (SPEC 9.1): registers the agent, then takes
// its queued copies one at a time, in stream order, through its durable consumer. A copy is
// acknowledged before its command starts (at most once): a crash mid-run loses that run, it
// never repeats it. Every step is written to USCMDRELAY_RESULTS, signed by the agent.
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamApiCodes, type JsMsg } from '@nats-io/jetstream';
import type { ConfigSnapshot } from '../../config/index.js';
import {
  decodeQueued,
  decodeRecord,
  durableName,
  ensureAgentConsumer,
  fitRecord,
  FLEET_VERSION,
  isApiError,
  openQueue,
  QUEUE_STREAM,
  queueSubject,
  registerAgent,
  RESULTS_STREAM,
  resultSubject,
  type Identity,
  type QueueHandles,
  type QueueRecord,
  type QueueRecordState,
  type QueuedEnvelope,
} from '../../fleet/index.js';
import { announce, type Logger } from '../../log/index.js';
import { isKnownSigner } from '../../auth/index.js';
import type { RelayResponse } from '../../protocol/index.js';
import type { Relay } from '../../relay/index.js';
import { askRoad } from '../../fleet/to-road.js';
import { NonceStore } from './nonce-store.js';
import { admitQueued } from './queue-admit.js';

export interface QueueAgentOptions {
  connection: NatsConnection;
  name: string;
  identity: Identity; // signs the records; its public key goes into the registry
  relay: Pick<Relay, 'handle' | 'reject'>;
  getSnapshot: () => ConfigSnapshot;
  logger: Logger;
  stateDir: string; // the replay memory lives in stateDir/queue/
  resultRetentionMs: number | null;
  replicas: number;
  maxNonces?: number;
  clock?: () => number;
}

export interface QueueAgent {
  running(): boolean; // a queued command is running now
  // Takes no further copy; resolves when the one running (if any) has been answered.
  stop(): Promise<void>;
}

export const DEFAULT_MAX_NONCES = 1_000_000;
const DEFAULT_MAX_PAYLOAD = 1024 * 1024; // nats-server's default max_payload
const RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
const PULL_EXPIRES_MS = 5000;

// Opens the replay memory (throws if the state dir cannot be used) and starts taking copies in
// the background; logs `queue ready` once the consumer is in place.
export function startQueueAgent(options: QueueAgentOptions): QueueAgent {
  const { connection, name, logger, identity } = options;
  const clock = options.clock ?? Date.now;
  const nonces = new NonceStore(`${options.stateDir}/queue`, `nonces-${durableName(name)}.jsonl`, options.maxNonces ?? DEFAULT_MAX_NONCES, clock());
  let stopping = false;
  let busy = false;
  let stopPull: (() => void) | null = null;
  let wake: (() => void) | null = null;

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  // Stores one record; retries while the broker is away. Returns its sequence, or 'conflict'
  // when the subject already holds someone else's record (then nothing is run or overwritten).
  async function storeRecord(handles: QueueHandles, envelope: QueuedEnvelope, state: QueueRecordState, after: number, response?: RelayResponse): Promise<number | 'conflict' | 'failed'> {
    const subject = resultSubject(envelope.id, name);
    const body: Omit<QueueRecord, 'sig'> = { v: FLEET_VERSION, type: 'queue-record', id: envelope.id, agent: name, nonce: envelope.nonce, ts: clock(), state, agent_public_key: identity.publicKey };
    if (response !== undefined) body.response = response;
    const data = fitRecord(body, identity, connection.info?.max_payload ?? DEFAULT_MAX_PAYLOAD);
    for (let attempt = 1; ; attempt += 1) {
      try {
        // First write wins: a record is only added after the one it follows, so a replayed copy
        // can never add a second "started" or turn an answer into "expired".
        const ack = await handles.js.publish(subject, data, { expect: { lastSubjectSequence: after }, msgID: `${envelope.id}.${name}.${state}` });
        return ack.seq;
      } catch (error) {
        if (isApiError(error, JetStreamApiCodes.StreamWrongLastSequence)) {
          const last = await handles.jsm.streams.getMessage(RESULTS_STREAM, { last_by_subj: subject }).catch(() => null);
          const record = last === null ? null : decodeRecord(last.data);
          // Our own earlier attempt, stored although its acknowledgement was lost.
          if (last !== null && record?.ok === true && record.value.nonce === envelope.nonce && record.value.state === state && record.value.agent === name) return last.seq;
          return 'conflict';
        }
        if (stopping && attempt >= 3) return 'failed';
        logger.warn({ err: error, id: envelope.id, state, attempt }, 'cannot store the queue record yet; retrying');
        await pause(RETRY_MS);
      }
    }
  }

  async function run(handles: QueueHandles, envelope: QueuedEnvelope, seq: number, snapshot: ConfigSnapshot): Promise<void> {
    const fields = { id: envelope.id, seq, nonce: envelope.nonce, command: envelope.request.command };
    const remembered = nonces.remember(envelope.nonce, envelope.expires, clock());
    if (remembered !== 'fresh') {
      logger.error({ ...fields, reason: remembered === 'full' ? 'replay memory full' : 'replayed nonce' }, 'queued request taken but not run');
      return;
    }
    const started = await storeRecord(handles, envelope, 'started', 0);
    if (typeof started !== 'number') {
      logger.warn({ ...fields, reason: started === 'conflict' ? 'a record for it already exists' : 'broker unreachable' }, 'queued request taken but not run');
      return;
    }
    logger.info(fields, 'queued request started');
    const response = await askRoad(options.relay, envelope.request, envelope.sender_public_key, snapshot);
    const stored = await storeRecord(handles, envelope, 'answered', started, response);
    if (typeof stored === 'number') logger.info({ ...fields, code: response.code, request_id: response.request_id }, 'queued request answered');
    else logger.error({ ...fields, code: response.code, reason: stored }, 'queued request ran but its answer could not be stored');
  }

  // One copy, from receipt to its last record.
  async function take(handles: QueueHandles, msg: JsMsg): Promise<void> {
    const storedAt = Math.floor(msg.info.timestampNanos / 1_000_000);
    const decoded = decodeQueued(msg.data);
    if (!decoded.ok) {
      await msg.ackAck().catch(() => false);
      logger.warn({ reason: decoded.reason, seq: msg.seq, subject: msg.subject }, 'queued message dropped');
      return;
    }
    const envelope = decoded.value;
    // One snapshot for this copy: admission and the road's authentication see the same signers.
    const snapshot = options.getSnapshot();
    const isKnown = (publicKey: string): boolean => isKnownSigner(snapshot, publicKey);
    const admission = admitQueued(envelope, { agentName: name, storedAt, now: clock(), seenNonce: (nonce) => nonces.has(nonce, clock()), isKnownSigner: isKnown });
    const fields = { id: envelope.id, seq: msg.seq, signer: envelope.sender_public_key, nonce: envelope.nonce, to: envelope.to, ts: envelope.ts, expires: envelope.expires };
    if (admission.verdict === 'drop') {
      await msg.ackAck().catch(() => false);
      logger.warn({ ...fields, reason: admission.reason }, 'queued request rejected');
      return;
    }
    if (admission.verdict === 'expired') {
      await msg.ackAck().catch(() => false);
      logger.warn({ ...fields, reason: 'expired' }, 'queued request expired; not run');
      await storeRecord(handles, envelope, 'expired', 0);
      return;
    }
    // At most once: the broker must have the acknowledgement before the command may start.
    const acked = await msg.ackAck().catch(() => false);
    if (!acked) {
      logger.warn(fields, 'queued request not acknowledged; not run (the broker delivers it again if the acknowledgement was lost)');
      return;
    }
    busy = true;
    try {
      await run(handles, envelope, msg.seq, snapshot);
    } finally {
      busy = false;
    }
  }

  async function setUp(): Promise<QueueHandles> {
    const handles = await openQueue(connection, { resultRetentionMs: options.resultRetentionMs, replicas: options.replicas });
    await ensureAgentConsumer(handles.jsm, name);
    await registerAgent(handles.registry, name, identity.publicKey, clock());
    return handles;
  }

  async function loop(): Promise<void> {
    let handles: QueueHandles | null = null;
    let announced = false;
    let retryMs = RETRY_MS;
    while (!stopping) {
      try {
        handles ??= await setUp();
        if (!announced) {
          announce(logger, { name, stream: QUEUE_STREAM, subject: queueSubject(name), consumer: durableName(name), nonces: nonces.size() }, 'queue ready');
          announced = true;
        }
        const consumer = await handles.js.consumers.get(QUEUE_STREAM, durableName(name));
        const batch = await consumer.fetch({ max_messages: 1, expires: PULL_EXPIRES_MS });
        stopPull = () => batch.stop();
        let msg: JsMsg | null = null;
        for await (const received of batch) {
          msg = received;
          break;
        }
        stopPull = null;
        // Stopping between receipt and check: hand it back at once rather than after ack_wait.
        if (msg !== null && stopping) msg.nak();
        else if (msg !== null) await take(handles, msg);
        retryMs = RETRY_MS;
      } catch (error) {
        stopPull = null;
        if (stopping) break;
        logger.warn({ err: error, retry_ms: retryMs }, 'queue consumer error; retrying');
        handles = null; // set everything up again: the broker may have lost its store
        await pause(retryMs);
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2); // a broker without JetStream: no flood of lines
      }
    }
  }

  const done = loop().finally(() => nonces.close());

  return {
    running: () => busy,
    async stop() {
      stopping = true;
      stopPull?.();
      wake?.();
      await done;
    },
  };
}
