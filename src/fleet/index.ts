// The fleet (SPEC 9): agents behind a NATS broker as a door onto the core road, and the
// sender, semaphore and identity tools around them.
export { canonicalJson } from './canonical.js';
export { generateIdentity, loadIdentity, parsePublicKey, publicKeyText, type Identity } from './identity.js';
export { signBody, verifyBody } from './sign.js';
export { decodeEnvelope, type Decoded } from './decode.js';
export type * from './envelope.js';
export { agentNameProblem, matchesTarget, targetPatternProblem, TARGET_ALL } from './target.js';
export { ReplayCache } from './replay.js';
export { admitRequest, type AdmitContext, type Admission } from './admit.js';
export { REQUEST_SUBJECT, signalSubject } from './subjects.js';
export { connectNats, natsServers, type ConnectOptions } from './connect.js';
export { startAgent, DEFAULT_REPLAY_CACHE_SIZE, type AgentOptions, type FleetAgent } from './agent.js';
export { ReplyCollector, type FleetRow, type CollectorOptions, type ReplyVerdict } from './collect.js';
export { sendFleetRequest, DEFAULT_ACK_WAIT_MS, type SendOptions, type SendResult } from './send.js';
export { formatRows, DEFAULT_OUTPUT_FORMAT, OUTPUT_FORMATS, type OutputFormat } from './format.js';
export { publishSignal } from './signal.js';
export { waitForSignal, type WaitOptions } from './wait.js';
export { writeNewIdentity } from './keygen.js';
export { readTrustFile } from './trust.js';
export { parseDuration } from './duration.js';
export * from './queue/index.js';
export type { QueueNote } from './collect.js';
