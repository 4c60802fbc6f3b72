// The fleet (SPEC 9): the sender's side of the NATS door — envelopes, signatures, identities,
// targets, send/collect/format, semaphores and the durable queue. The agent that receives the
// requests is a door of the daemon: src/server/nats.
export { canonicalJson } from './canonical.js';
export { generateIdentity, loadIdentity, parsePublicKey, publicKeyText, type Identity } from './identity.js';
export { signBody, verifyBody } from './sign.js';
export { decodeEnvelope, type Decoded } from './decode.js';
export { FLEET_VERSION } from './envelope.js';
export type * from './envelope.js';
export { agentNameProblem, matchesTarget, targetPatternProblem, TARGET_ALL } from './target.js';
export { REQUEST_SUBJECT, signalSubject } from './subjects.js';
export { connectNats, natsServers, type ConnectOptions } from './connect.js';
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
