// `uscmdrelay results REQUEST_ID` (SPEC 9.1): one row per agent a queued request was stored for,
// from the agents' signed records in USCMDRELAY_RESULTS and, for targets without one, from
// whether their copy is still in the queue. With a wait, new records are awaited as they land.
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamApiCodes, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { FleetRow, QueueNote } from '../collect.js';
import { verifyBody } from '../sign.js';
import { decodeManifest, decodeQueued, decodeRecord } from './decode.js';
import type { ManifestTarget, QueueManifest, QueueRecord } from './envelope.js';
import { manifestSubject, QUEUE_STREAM, RESULTS_STREAM, resultsOf, resultSubject } from './names.js';
import { listAgents } from './registry.js';
import { isApiError, openRegistry } from './setup.js';

export interface ResultsOptions {
  connection: NatsConnection;
  id: string;
  waitMs: number; // 0: what is in now
  // name -> public key the records must be signed with (`--agents`); null: the registry's keys
  trusted: ReadonlyMap<string, string> | null;
  onDropped?: (agent: string, reason: string) => void;
  clock?: () => number;
}

export interface ResultsReport {
  manifest: QueueManifest;
  manifestVerified: boolean; // signed by the sender it names
  rows: FleetRow[];
  done: boolean; // every target answered or expired
}

// Targets read at a time: a large fleet is not read one round trip per agent, nor all at once.
const READ_BATCH = 256;

const iso = (ms: number): string => new Date(ms).toISOString();

async function lastOn(jsm: JetStreamManager, stream: string, subject: string): Promise<{ data: Uint8Array; seq: number } | null> {
  try {
    return await jsm.streams.getMessage(stream, { last_by_subj: subject });
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.NoMessageFound) || isApiError(error, JetStreamApiCodes.StreamNotFound)) return null;
    throw error;
  }
}

// name -> public key from the registry; empty when there is none.
async function agentKeys(jsm: JetStreamManager): Promise<Map<string, string>> {
  const registry = await openRegistry(jsm);
  return registry === null ? new Map() : new Map((await listAgents(registry)).map((agent) => [agent.name, agent.public_key]));
}

const note = (agent: string, status: string, message: string): FleetRow => ({ agent, state: 'missing', acked: false, verified: false, queue: { status, message } satisfies QueueNote });

// The row of one target, and whether it is final (answered or expired).
async function targetRow(jsm: JetStreamManager, manifest: QueueManifest, target: ManifestTarget, keys: ReadonlyMap<string, string>, options: ResultsOptions): Promise<{ row: FleetRow; final: boolean }> {
  const { agent } = target;
  const last = await lastOn(jsm, RESULTS_STREAM, resultSubject(manifest.id, agent));
  let record: QueueRecord | null = null;
  let verified = false;
  if (last !== null) {
    const decoded = decodeRecord(last.data);
    const key = keys.get(agent);
    if (!decoded.ok || decoded.value.agent !== agent || decoded.value.id !== manifest.id) options.onDropped?.(agent, 'malformed record');
    else if (key !== undefined && (decoded.value.agent_public_key !== key || !verifyBody(decoded.value, key))) options.onDropped?.(agent, 'record not signed by the agent’s key');
    else {
      record = decoded.value;
      verified = key !== undefined;
    }
  }
  if (record?.state === 'answered' && record.response) return { row: { agent, state: 'answered', response: record.response, verified }, final: true };
  if (record?.state === 'expired') return { row: note(agent, 'expired', 'expired before it started; never run'), final: true };
  if (record?.state === 'started') {
    return { row: note(agent, 'started', `started ${iso(record.ts)}, no answer yet (still running, or the agent stopped mid-run: never run again)`), final: false };
  }
  const now = (options.clock ?? Date.now)();
  const copy = await jsm.streams.getMessage(QUEUE_STREAM, { seq: target.seq }).catch(() => null);
  const decodedCopy = copy === null ? null : decodeQueued(copy.data);
  if (decodedCopy?.ok === true && decodedCopy.value.id === manifest.id && decodedCopy.value.to === agent) {
    if (now > manifest.expires) return { row: note(agent, 'expired', `expired ${iso(manifest.expires)} in the queue (the agent was away); never run`), final: true };
    return { row: note(agent, 'pending', `queued, not taken yet; expires ${iso(manifest.expires)}`), final: false };
  }
  return { row: note(agent, 'missing', 'taken by the agent, no record (refused it, or stopped before it started: never run again)'), final: false };
}

async function snapshot(jsm: JetStreamManager, manifest: QueueManifest, keys: ReadonlyMap<string, string>, options: ResultsOptions): Promise<{ rows: FleetRow[]; done: boolean; nextExpiry: number | null }> {
  const outcomes: Array<{ row: FleetRow; final: boolean }> = [];
  for (let start = 0; start < manifest.targets.length; start += READ_BATCH) {
    const batch = manifest.targets.slice(start, start + READ_BATCH);
    outcomes.push(...(await Promise.all(batch.map((target) => targetRow(jsm, manifest, target, keys, options)))));
  }
  const rows = outcomes.map((outcome) => outcome.row).sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  const pending = rows.some((row) => row.state === 'missing' && row.queue?.status === 'pending');
  return { rows, done: outcomes.every((outcome) => outcome.final), nextExpiry: pending ? manifest.expires : null };
}

// The report, or null when no request with this id is known (never queued, or past retention).
export async function readQueueResults(options: ResultsOptions): Promise<ResultsReport | null> {
  const { connection } = options;
  const clock = options.clock ?? Date.now;
  const jsm = await jetstreamManager(connection);
  // Subscribed before the first read, so a record stored in between still wakes the wait.
  let wake: (() => void) | null = null;
  const subscription = options.waitMs > 0 ? connection.subscribe(resultsOf(options.id), { callback: () => wake?.() }) : null;
  try {
    const stored = await lastOn(jsm, RESULTS_STREAM, manifestSubject(options.id));
    const decoded = stored === null ? null : decodeManifest(stored.data);
    if (decoded === null || !decoded.ok || decoded.value.id !== options.id) return null;
    const manifest = decoded.value;
    const keys = options.trusted ?? (await agentKeys(jsm));
    const deadline = clock() + options.waitMs;
    for (;;) {
      const { rows, done, nextExpiry } = await snapshot(jsm, manifest, keys, options);
      const now = clock();
      if (done || now >= deadline) return { manifest, manifestVerified: verifyBody(manifest, manifest.sender_public_key), rows, done };
      const until = Math.min(deadline, nextExpiry !== null && nextExpiry >= now ? nextExpiry + 1 : deadline) - now;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, until);
        function finish(): void {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = finish;
      });
    }
  } finally {
    subscription?.unsubscribe();
  }
}
