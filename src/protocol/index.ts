export { codes, RelayError, exitCodeMessage, EXIT_NO_ANSWER, EXIT_RELAY_FAILURE, type ClientExit, type CodeName, type CodeNumber } from './codes.js';
export { decodeRequestBody, readRequest, REQUEST_FIELDS, type Operation, type ReadRequest, type RelayRequest, type RoadRequest, type WireRequest } from './request.js';
export { RequestFramer, encodeLine, type FrameState } from './framing.js';
export { parseUtf8Json } from './utf8.js';
export type * from './types.js';
