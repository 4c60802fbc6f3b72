// The NATS door (SPEC 9, 9.1): the fleet agent. It takes signed requests for its name from the
// broker — live ones on the request subject, queued ones from its JetStream consumer — admits
// them (signature, target, skew, replay) and sends them down the road.
export { admitRequest, type AdmitContext, type Admission } from './admit.js';
export { ReplayCache } from './replay.js';
export { startAgent, DEFAULT_REPLAY_CACHE_SIZE, type AgentOptions, type FleetAgent } from './agent.js';
export { admitQueued, type QueueAdmission, type QueueAdmitContext, type QueueDropReason } from './queue-admit.js';
export { NonceStore } from './nonce-store.js';
export { startQueueAgent, DEFAULT_MAX_NONCES, type QueueAgent, type QueueAgentOptions } from './queue-agent.js';
export { openAgent, type AgentDoorOptions } from './door.js';
