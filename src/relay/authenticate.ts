// Stage: who is this? A key (or a proven fleet signer) from an allowed address, not throttled.
import type { FailureThrottle } from '../auth/index.js';
import { findKeyEntry, findSignerEntry, isAddressAllowed } from '../auth/index.js';
import type { KeyEntry } from '../config/index.js';
import type { Logger } from '../log/index.js';
import { RelayError } from '../protocol/index.js';
import type { RoadContext } from './context.js';
import type { RelayObserver } from './types.js';
import { remoteOf } from './remote.js';

// Fails with 1000 (one message for every reason; the log says which) or 1002 when throttled.
export function authenticate(context: RoadContext, throttle: FailureThrottle, logger: Logger, observer?: RelayObserver): KeyEntry {
  const { caller, request, snapshot } = context;
  const remote = caller.remoteAddress;
  if (throttle.isBlocked(remote)) {
    logger.warn({ request_id: context.requestId, remote: remoteOf(caller), reason: 'throttled' }, 'authentication refused');
    observer?.authFailed('throttled');
    throw new RelayError('THROTTLED');
  }
  const entry =
    caller.signer !== undefined
      ? findSignerEntry(snapshot.keys, caller.signer)
      : findKeyEntry(snapshot.keys, request?.auth_key ?? '');
  const reason = entry === null ? 'unknown key' : isAddressAllowed(entry, remote) ? null : 'source address not allowed';
  if (reason !== null) {
    throttle.recordFailure(remote);
    logger.warn({ request_id: context.requestId, remote: remoteOf(caller), key: entry?.label, reason }, 'authentication failed');
    observer?.authFailed(reason);
    throw new RelayError('AUTH_FAILED');
  }
  return entry as KeyEntry;
}
