export { codes, RelayError, exitCodeMessage, EXIT_NO_ANSWER, EXIT_RELAY_FAILURE, type ClientExit, type CodeName, type CodeNumber } from './codes.js';
export { parseRequest, validateRequestValue } from './parse-request.js';
export { RequestFramer, encodeLine, type FrameState } from './framing.js';
export type * from './types.js';
