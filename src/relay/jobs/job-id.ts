// Job ids: 128 random bits as 32 lower-case hex digits. Nothing else is ever taken for an id, so
// an id can name a file under the state dir without any path of the client's reaching it.
import { randomBytes } from 'node:crypto';

const JOB_ID = /^[0-9a-f]{32}$/;

export function newJobId(): string {
  return randomBytes(16).toString('hex');
}

// True only for an id newJobId could have made.
export function isJobId(value: unknown): value is string {
  return typeof value === 'string' && JOB_ID.test(value);
}
