// The package entry: `import { call } from 'uscmdrelay'` (SPEC 7.1). The wire shapes and the codes
// table come along so callers can compare `response.code` with names, not numbers.
export { call, callStream, list, ClientError, exitStatusFor, EXIT_STATUS_BY_CODE, EXIT_NO_ANSWER } from './client/index.js';
export { startJob, getJob, listJobs, cancelJob, followJob, jobOutcome } from './client/index.js';
export type { JobOptions, JobReadOptions, JobFollowEvent } from './client/index.js';
export type { CallOptions, CallEvent, ResultEvent, ClientTlsOptions, ConnectionOptions, ListResult, ClientErrorKind, Pem } from './client/index.js';
export { codes, type CodeName, type CodeNumber } from './protocol/index.js';
export type { RelayRequest, RelayResponse, OutputEvent, OutputStream, ListedCommand, Operation, JobView, JobState } from './protocol/index.js';
