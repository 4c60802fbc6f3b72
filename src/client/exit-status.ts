// The exit status of `uscmdrelay call` for every outcome (SPEC 7.1): the one table the CLI, the
// README and the tests follow. The command's own status passes through, as with ssh; the relay's
// refusals take fixed values at the top of the range, where commands rarely exit.
import { constants } from 'node:os';
import { codes, type CodeName, type RelayResponse } from '../protocol/index.js';

// No answer at all: connection refused, TLS refused, closed early, unparseable (ssh's 255).
export const EXIT_NO_ANSWER = 255;
// A code this client does not know (a newer relay), and 9999 internal error.
export const EXIT_RELAY_FAILURE = 254;

// Codes whose status is fixed; 0, 3001 and 3006 come from the command itself.
export const EXIT_STATUS_BY_CODE: Partial<Record<CodeName, number>> = {
  TIMED_OUT: 124, // as timeout(1)
  START_FAILED: 126, // as a shell's "cannot execute"
  OUTPUT_CAP: 248,
  CANCELLED: 249, // the relay shut down while the command ran
  BUSY: 250, // retry later
  TOO_MANY_CONNECTIONS: 250,
  AUTH_FAILED: 251,
  THROTTLED: 251,
  UNKNOWN_CLUSTER: 252,
  UNKNOWN_COMMAND: 252,
  UNKNOWN_JOB: 252,
  ARGS_REJECTED: 253, // the request was refused as sent
  REQUEST_TOO_LARGE: 253,
  PAYLOAD_REJECTED: 253,
  REQUEST_TIMEOUT: 253,
  MALFORMED: 253,
  INTERNAL: EXIT_RELAY_FAILURE,
};

const NAME_BY_CODE = new Map<number, CodeName>(Object.entries(codes).map(([name, entry]) => [entry.code, name as CodeName]));

// 128 + the signal's number, as a shell reports a command killed by a signal.
function signalStatus(signal: string | null): number {
  const number = signal === null ? undefined : constants.signals[signal as NodeJS.Signals];
  return number === undefined ? EXIT_RELAY_FAILURE : 128 + number;
}

// The status `call` exits with for a response.
export function exitStatusFor(response: Pick<RelayResponse, 'code' | 'exit_code' | 'signal'>): number {
  if (response.code === codes.OK.code) return 0;
  if (response.code === codes.EXIT_NONZERO.code) {
    return response.exit_code !== null && response.exit_code > 0 && response.exit_code < 256 ? response.exit_code : 1;
  }
  if (response.code === codes.KILLED_BY_SIGNAL.code) return signalStatus(response.signal);
  const name = NAME_BY_CODE.get(response.code);
  return (name && EXIT_STATUS_BY_CODE[name]) ?? EXIT_RELAY_FAILURE;
}
