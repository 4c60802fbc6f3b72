// `call`: run a command on the relay and resolve with its one response.
import type { RelayResponse } from '../protocol/index.js';
import { buildRunRequest } from './build-request.js';
import { exchange } from './exchange.js';
import type { CallOptions } from './types.js';

// Resolves with the response even when it says "error" (its `code` tells why); rejects with a
// ClientError only when no response came.
export async function call(options: CallOptions): Promise<RelayResponse> {
  for await (const line of exchange(options, buildRunRequest(options, false))) {
    if ('code' in line.message) return line.message;
  }
  throw new Error('unreachable: exchange ends with a response or throws');
}
