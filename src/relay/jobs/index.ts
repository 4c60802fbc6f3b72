export { Jobs, MAX_WAIT_S, type JobEnd, type JobRead, type JobStart, type JobsOptions } from './jobs.js';
export { isJobId } from './job-id.js';
export { defaultStateDir } from './store.js';
export { completeUtf8Length, readOutputPiece } from './utf8-output.js';
export type { JobRecord } from './record.js';
