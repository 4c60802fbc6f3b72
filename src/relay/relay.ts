// The core road (ARCHITECTURE.md): parse → authenticate → authorize → resolve → policy → run →
// respond → audit log. Transport-free: doors hand it bytes and a Caller, it hands back a response.
import type { ConfigSnapshot } from '../config/types.js';
import type { Logger } from '../log/index.js';
import type { RelayResponse } from '../protocol/types.js';
import type { Caller, RequestIo } from './types.js';

export interface RelayOptions {
  getSnapshot: () => ConfigSnapshot; // read once per request; SIGHUP swaps what it returns
  logger: Logger;
}

export interface Relay {
  // Runs one request through the whole road. Never throws: every failure is a response.
  handle(body: Buffer | string, caller: Caller, io: RequestIo): Promise<RelayResponse>;
  // Answers a request that never reached the road (too large, too slow, …) and audit-logs it.
  reject(codeName: import('../protocol/codes.js').CodeName, caller: Caller): RelayResponse;
  // How many requests are on the road now.
  inFlight(): number;
  // Waits up to graceMs for running commands, then cancels the rest (3007).
  shutdown(graceMs: number): Promise<void>;
}

export function createRelay(_options: RelayOptions): Relay {
  throw new Error('not yet');
}
