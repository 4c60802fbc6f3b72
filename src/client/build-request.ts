// The request object of SPEC 2.1, from the library's options.
import type { CallOptions } from './types.js';
import { encodePayload } from './encode-payload.js';

export type WireRequest = Record<string, unknown> & { auth_key: string };

// Only fields that were given are sent, so an original (Python) relay sees what it always saw.
export function buildRunRequest(options: CallOptions, stream: boolean): WireRequest {
  const request: WireRequest = { auth_key: options.key, command: options.command };
  if (options.args !== undefined && options.args.length > 0) request.arguments = [...options.args];
  if (options.id !== undefined) request.id = options.id;
  if (stream) request.stream = true;
  if (options.payload !== undefined) Object.assign(request, encodePayload(options.payload));
  if (options.timeout !== undefined) request.timeout = options.timeout;
  if (options.detach === true) request.detach = true;
  return request;
}

// The `op: "list"` request of SPEC 7.2.
export function buildListRequest(key: string): WireRequest {
  return { auth_key: key, op: 'list' };
}
