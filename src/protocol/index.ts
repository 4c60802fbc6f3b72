export { codes, RelayError, exitCodeMessage, type CodeName, type CodeNumber } from './codes.js';
export { parseRequest, validateRequestValue } from './request.js';
export { RequestFramer, encodeLine, type FrameState } from './framing.js';
export { readShippedSchema } from './schemas.js';
export type * from './types.js';
