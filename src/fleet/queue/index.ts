// The durable queue (SPEC 9.1): queued copies, agents' records and the registry in JetStream.
export { AGENTS_BUCKET, DEFAULT_EXPIRE_MS, DEFAULT_RESULT_RETENTION_MS, durableName, isRequestId, manifestSubject, QUEUE_STREAM, queueSubject, RESULTS_STREAM, resultSubject } from './names.js';
export type * from './envelope.js';
export { decodeManifest, decodeQueued, decodeRecord, decodeRegistration } from './decode.js';
export { openQueue, openRegistry, ensureAgentConsumer, isApiError, type QueueHandles, type QueueSetupOptions } from './setup.js';
export { registerAgent, listAgents, expandTarget } from './registry.js';
export { fitRecord, TRUNCATED_NOTE } from './records.js';
export { queueFleetRequest, type QueueSendOptions, type QueueSendResult } from './send.js';
export { readQueueResults, type ResultsOptions, type ResultsReport } from './results.js';
