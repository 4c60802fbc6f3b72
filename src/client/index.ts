export { call } from './call.js';
export { callStream, callLines } from './call-stream.js';
export { list, listLines } from './list.js';
export { ClientError, type ClientErrorKind } from './client-error.js';
export { DEFAULT_HOST, DEFAULT_PORT } from './connect.js';
export { encodePayload } from './encode-payload.js';
export { exitStatusFor, EXIT_STATUS_BY_CODE, EXIT_NO_ANSWER, EXIT_RELAY_FAILURE } from './exit-status.js';
export type * from './types.js';
