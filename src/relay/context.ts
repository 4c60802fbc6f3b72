// What the road shares across requests, and what it has learned about one request so far (the
// audit line is written from the latter).
import type { FailureThrottle } from '../auth/index.js';
import type { CommandSpec, ConfigSnapshot, KeyEntry } from '../config/index.js';
import type { Launcher, StopSwitch } from '../exec/index.js';
import type { Logger } from '../log/index.js';
import type { RoadRequest } from '../protocol/index.js';
import type { Jobs } from './jobs/index.js';
import type { OutputMemory } from './output-memory.js';
import type { RunSlots } from './slots.js';
import type { Caller, RelayObserver } from './types.js';

// The relay's own state, which every stage may read: limits, counters, the log.
export interface Road {
  readonly logger: Logger;
  readonly observer: RelayObserver | undefined;
  readonly throttle: FailureThrottle; // failed authentications per address (1002)
  readonly slots: RunSlots; // commands running at once (3005)
  readonly outputMemory: OutputMemory; // captured output held across the daemon (3005)
  readonly cancel: StopSwitch; // aborted when the shutdown grace is over: every run ends (3007)
  readonly jobs: Jobs | null; // without it `detach` and the job ops are refused
  readonly launcher: Launcher | undefined;
  shuttingDown: boolean; // new runs are refused (3007)
}

export interface RoadContext {
  readonly requestId: string;
  readonly startedAt: number; // performance.now()
  readonly caller: Caller;
  readonly snapshot: ConfigSnapshot; // read once: every stage sees this one
  request?: RoadRequest;
  key?: KeyEntry;
  command?: CommandSpec;
}
