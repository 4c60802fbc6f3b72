// The client library (SPEC 7): call, stream, list and jobs over TCP/TLS or the HTTP door, and what
// the CLI needs around them (key and TLS files, exit statuses).
export { call, callStream, callLines, list, listLines } from './call.js';
export { ClientError, type ClientErrorKind } from './errors.js';
export { DEFAULT_HOST, DEFAULT_PORT } from './connection.js';
export { exitStatusFor, EXIT_STATUS_BY_CODE, EXIT_NO_ANSWER, EXIT_RELAY_FAILURE } from './exit-status.js';
export type * from './types.js';
export { readClientKey, readTlsFiles, readPayloadSource, type KeySource, type TlsFiles } from './files.js';
export { httpBaseUrl } from './exchange-http.js';
export { startJob, getJob, listJobs, cancelJob, followJob, jobOutcome, type JobOptions, type JobReadOptions, type JobFollowEvent } from './jobs.js';
