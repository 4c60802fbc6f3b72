// Creates what the durable queue needs in JetStream, on first use by a sender or an agent:
// the queue stream, the results stream, the agents' registry and an agent's durable consumer.
// Only stream fields that nats-server 2.9 knows are used.
import type { NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { AGENTS_BUCKET, DEFAULT_RESULT_RETENTION_MS, durableName, QUEUE_STREAM, QUEUE_SUBJECTS, queueSubject, RESULTS_STREAM, RESULTS_SUBJECTS } from './names.js';

export interface QueueSetupOptions {
  // Answers are kept this long. Given (not null) it is also applied to an existing stream.
  resultRetentionMs: number | null;
  replicas: number; // JetStream replicas of streams created here (3 on a 3-node cluster)
}

export interface QueueHandles {
  js: JetStreamClient;
  jsm: JetStreamManager;
  registry: KV;
}

const NANOS_PER_MS = 1_000_000;
// A taken copy that is not acknowledged by then goes back to the agent's queue (the agent
// acknowledges within milliseconds of receiving it; this only covers an agent lost in between).
const ACK_WAIT_MS = 30_000;

export function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

// Creates a stream, or returns; an explicitly given retention is applied to an existing one.
async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }, updateMaxAge: boolean): Promise<void> {
  try {
    const info = await jsm.streams.info(config.name);
    if (updateMaxAge && config.max_age !== undefined && info.config.max_age !== config.max_age) {
      await jsm.streams.update(config.name, { ...info.config, max_age: config.max_age });
    }
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    await jsm.streams.add(config).catch(async (addError: unknown) => {
      // Another sender or agent created it meanwhile: fine.
      await jsm.streams.info(config.name).catch(() => {
        throw addError;
      });
    });
  }
}

// Both streams and the registry; throws when the broker has no JetStream.
export async function openQueue(connection: NatsConnection, options: QueueSetupOptions): Promise<QueueHandles> {
  const jsm = await jetstreamManager(connection);
  const js = jetstream(connection);
  const replicas = Math.max(1, options.replicas);
  // Work-queue retention: a copy leaves the stream when its agent acknowledges it, and each
  // agent's consumer filters its own subject (work queues require non-overlapping filters).
  await ensureStream(jsm, { name: QUEUE_STREAM, subjects: QUEUE_SUBJECTS, retention: RetentionPolicy.Workqueue, storage: StorageType.File, num_replicas: replicas }, false);
  const retentionMs = options.resultRetentionMs ?? DEFAULT_RESULT_RETENTION_MS;
  await ensureStream(
    jsm,
    { name: RESULTS_STREAM, subjects: RESULTS_SUBJECTS, retention: RetentionPolicy.Limits, storage: StorageType.File, num_replicas: replicas, max_age: retentionMs * NANOS_PER_MS },
    options.resultRetentionMs !== null,
  );
  const registry = (await openRegistry(jsm)) ?? (await new Kvm(js).create(AGENTS_BUCKET, { history: 1, replicas }));
  return { js, jsm, registry };
}

// The registry if it exists (a KV bucket is the stream KV_<bucket>), else null.
export async function openRegistry(jsm: JetStreamManager): Promise<KV | null> {
  try {
    await jsm.streams.info(`KV_${AGENTS_BUCKET}`);
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return null;
    throw error;
  }
  return await new Kvm(jsm.jetstream()).open(AGENTS_BUCKET);
}

// The agent's durable consumer: its subject only, in stream order, one message out at a time.
export async function ensureAgentConsumer(jsm: JetStreamManager, agent: string): Promise<string> {
  const name = durableName(agent);
  try {
    await jsm.consumers.info(QUEUE_STREAM, name);
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(QUEUE_STREAM, {
      durable_name: name,
      filter_subject: queueSubject(agent),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: 1,
      ack_wait: ACK_WAIT_MS * NANOS_PER_MS,
      description: `uscmdrelay agent ${agent}`,
    });
  }
  return name;
}
