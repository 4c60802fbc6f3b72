export { createRelay, type Relay, type RelayOptions } from './relay.js';
export type { Caller, RelayObserver, RequestIo, ValueCredential, ValueOverrides } from './types.js';
