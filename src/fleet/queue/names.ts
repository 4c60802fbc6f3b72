// Where the durable queue (SPEC 9.1) keeps things in JetStream: one stream of queued copies with
// one subject per agent, one stream of answers and manifests, and the agents' registry (KV).
import { createHash, randomBytes } from 'node:crypto';

export const QUEUE_STREAM = 'USCMDRELAY_QUEUE';
export const RESULTS_STREAM = 'USCMDRELAY_RESULTS';
export const AGENTS_BUCKET = 'uscmdrelay_agents';

const QUEUE_PREFIX = 'uscmdrelay.queue';
const RESULT_PREFIX = 'uscmdrelay.result';
const SENT_PREFIX = 'uscmdrelay.sent';

export const QUEUE_SUBJECTS = [`${QUEUE_PREFIX}.>`];
export const RESULTS_SUBJECTS = [`${RESULT_PREFIX}.>`, `${SENT_PREFIX}.>`];

export const DEFAULT_EXPIRE_MS = 24 * 3600 * 1000;
export const DEFAULT_RESULT_RETENTION_MS = 7 * 24 * 3600 * 1000;

// The subject an agent's queued copies are stored under (names are valid subject tokens).
export function queueSubject(agent: string): string {
  return `${QUEUE_PREFIX}.${agent}`;
}

// One agent's record (started, answered or expired) for one queued request.
export function resultSubject(requestId: string, agent: string): string {
  return `${RESULT_PREFIX}.${requestId}.${agent}`;
}

// Every record of one request.
export function resultsOf(requestId: string): string {
  return `${RESULT_PREFIX}.${requestId}.>`;
}

// The sender's manifest of a request: which agents it was queued for, at which stream sequence.
export function manifestSubject(requestId: string): string {
  return `${SENT_PREFIX}.${requestId}`;
}

const REQUEST_ID = /^[0-9a-f]{24}$/;

// 96 random bits in hex: a subject token that never looks like a flag on a command line.
export function newRequestId(): string {
  return randomBytes(12).toString('hex');
}

export function isRequestId(text: string): boolean {
  return REQUEST_ID.test(text);
}

// The durable consumer of an agent. Consumer names may not hold dots, so the name is made
// readable with `-` and kept unique by a hash of the real name (`a.b` and `a-b` differ).
export function durableName(agent: string): string {
  const readable = agent.replaceAll('.', '-').slice(0, 64);
  const hash = createHash('sha256').update(agent).digest('hex').slice(0, 12);
  return `agent_${readable}_${hash}`;
}
