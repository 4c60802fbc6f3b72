export { createRelay, type Relay, type RelayOptions } from './relay.js';
export type { Caller, RequestIo } from './types.js';
export { formatRemote, remoteOf } from './remote.js';
