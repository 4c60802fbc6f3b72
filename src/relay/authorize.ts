// Stage: may this key use the cluster it names? Before the command is looked up, so that an
// unauthorized caller learns nothing of what exists.
import { isClusterAllowed } from '../auth/index.js';
import type { KeyEntry } from '../config/index.js';
import { RelayError } from '../protocol/index.js';
import type { Road, RoadContext } from './context.js';
import { remoteOf } from './remote.js';

// Fails with 1000, the same answer as a wrong key; the log says which.
export function authorize(road: Road, context: RoadContext, key: KeyEntry, cluster: string): void {
  if (isClusterAllowed(key, cluster)) return;
  road.logger.warn(
    { request_id: context.requestId, remote: remoteOf(context.caller), key: key.label, requested: context.request?.command, reason: 'key not allowed this cluster' },
    'authentication failed',
  );
  throw new RelayError('AUTH_FAILED');
}
