export { codes, RelayError, exitCodeMessage, type CodeName, type CodeNumber } from './codes.js';
export { decodeRequestBody, readRequest, REQUEST_FIELDS, type Operation, type ReadRequest, type RelayRequest, type RoadRequest, type WireRequest } from './request.js';
export { RequestFramer, encodeLine, type FrameState } from './framing.js';
export { readShippedSchema } from './schemas.js';
export type * from './types.js';
