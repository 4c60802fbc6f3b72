// Stage: who is this? The door's credential, checked in auth/ against the request's snapshot.
import { authenticateCredential, type Credential } from '../auth/index.js';
import type { KeyEntry } from '../config/index.js';
import { RelayError } from '../protocol/index.js';
import type { Road, RoadContext } from './context.js';
import { remoteOf } from './remote.js';

// Fails with 1000 (one message for every reason; the log says which) or 1002 when throttled.
export function authenticate(road: Road, context: RoadContext, credential: Credential): KeyEntry {
  const { caller } = context;
  const result = authenticateCredential(credential, context.snapshot, caller.remoteAddress, road.throttle);
  if (result.ok) return result.key;
  road.observer?.authFailed(result.failure);
  if (result.failure === 'throttled') {
    road.logger.warn({ request_id: context.requestId, remote: remoteOf(caller), reason: 'throttled' }, 'authentication refused');
    throw new RelayError('THROTTLED');
  }
  road.logger.warn({ request_id: context.requestId, remote: remoteOf(caller), key: result.key?.label, reason: result.failure }, 'authentication failed');
  throw new RelayError('AUTH_FAILED');
}
