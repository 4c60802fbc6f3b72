// SPEC 11: the HTTP status reflects the relay, not the command; the body is the relay's JSON.
import { codes } from '../../protocol/index.js';

const STATUS_OF_CODE = new Map<number, number>([
  [codes.OK.code, 200],
  [codes.EXIT_NONZERO.code, 200],
  [codes.TIMED_OUT.code, 200],
  [codes.OUTPUT_CAP.code, 200],
  [codes.KILLED_BY_SIGNAL.code, 200],
  [codes.ARGS_REJECTED.code, 400],
  [codes.PAYLOAD_REJECTED.code, 400],
  [codes.MALFORMED.code, 400],
  [codes.AUTH_FAILED.code, 401],
  [codes.UNKNOWN_CLUSTER.code, 404],
  [codes.UNKNOWN_COMMAND.code, 404],
  [codes.UNKNOWN_JOB.code, 404],
  [codes.REQUEST_TIMEOUT.code, 408],
  [codes.REQUEST_TOO_LARGE.code, 413],
  [codes.THROTTLED.code, 429],
  [codes.BUSY.code, 429],
  [codes.TOO_MANY_CONNECTIONS.code, 429],
  [codes.START_FAILED.code, 500],
  [codes.INTERNAL.code, 500],
  [codes.CANCELLED.code, 503],
]);

// The HTTP status for a relay code; an unlisted code is a server-side surprise (500).
export function httpStatusOf(code: number): number {
  return STATUS_OF_CODE.get(code) ?? 500;
}
