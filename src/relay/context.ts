// What the road has learned about one request so far; the audit line is written from it.
import type { CommandSpec, ConfigSnapshot, KeyEntry } from '../config/index.js';
import type { RelayRequest } from '../protocol/index.js';
import type { Caller } from './types.js';

export interface RoadContext {
  readonly requestId: string;
  readonly startedAt: number; // performance.now()
  readonly caller: Caller;
  readonly snapshot: ConfigSnapshot;
  request?: RelayRequest;
  key?: KeyEntry;
  command?: CommandSpec;
}
