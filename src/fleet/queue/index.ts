// The durable queue (SPEC 9.1): queued copies, agents' records and the registry in JetStream.
export { AGENTS_BUCKET, DEFAULT_EXPIRE_MS, DEFAULT_RESULT_RETENTION_MS, durableName, isRequestId, manifestSubject, QUEUE_STREAM, queueSubject, RESULTS_STREAM, resultSubject } from './names.js';
export type * from './envelope.js';
export { decodeManifest, decodeQueued, decodeRecord, decodeRegistration } from './decode.js';
export { admitQueued, type QueueAdmission, type QueueAdmitContext, type QueueDropReason } from './admit.js';
export { NonceStore } from './nonce-store.js';
export { openQueue, openRegistry, ensureAgentConsumer, type QueueHandles, type QueueSetupOptions } from './setup.js';
export { registerAgent, listAgents, expandTarget } from './registry.js';
export { fitRecord, TRUNCATED_NOTE } from './records.js';
export { startQueueAgent, DEFAULT_MAX_NONCES, type QueueAgent, type QueueAgentOptions } from './agent.js';
export { queueFleetRequest, type QueueSendOptions, type QueueSendResult } from './send.js';
export { readQueueResults, type ResultsOptions, type ResultsReport } from './results.js';
