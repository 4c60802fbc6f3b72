export { findKeyEntry, findSignerEntry } from './find-key.js';
export { isAddressAllowed } from './address.js';
export { isClusterAllowed } from './authorize.js';
export { FailureThrottle, type ThrottleOptions } from './throttle.js';
