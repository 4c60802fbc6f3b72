export { authenticateCredential, credentialOwner, type AuthFailure, type Authentication, type Credential } from './authenticate.js';
export { isClusterAllowed } from './authorize.js';
export { findSignerEntry, isKnownSigner } from './signers.js';
export { FailureThrottle, type ThrottleOptions } from './throttle.js';
