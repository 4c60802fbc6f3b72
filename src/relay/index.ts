export { createRelay, DEFAULT_THROTTLE, type Relay, type RelayOptions } from './road.js';
export type { Caller, RelayObserver, RequestIo, RoadEntry } from './types.js';
export { Jobs, type JobsOptions } from './jobs/index.js';
export { formatRemote, remoteOf } from './remote.js';
export { KeyedCounts } from './slots.js';
