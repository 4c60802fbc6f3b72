// The one table of relay codes (SPEC 2.4): every code, its default message and its meaning.
// Nobody else writes a code number or a client-facing error message inline.

export const codes = {
  OK: { code: 0, message: '' },
  AUTH_FAILED: { code: 1000, message: 'Authentication failed' },
  THROTTLED: { code: 1002, message: 'Too many failed attempts; try later' },
  UNKNOWN_CLUSTER: { code: 2000, message: 'Unknown cluster' },
  UNKNOWN_COMMAND: { code: 2001, message: 'Unknown command' },
  ARGS_REJECTED: { code: 2002, message: 'Arguments rejected' },
  REQUEST_TOO_LARGE: { code: 2003, message: 'Request too large' },
  PAYLOAD_REJECTED: { code: 2004, message: 'Payload not accepted' },
  REQUEST_TIMEOUT: { code: 2005, message: 'No complete request in time' },
  UNKNOWN_JOB: { code: 2006, message: 'Unknown job' },
  MALFORMED: { code: 2099, message: 'Malformed request' },
  EXIT_NONZERO: { code: 3001, message: 'Command exited with code' },
  TIMED_OUT: { code: 3002, message: 'Command ran past its time limit and was killed' },
  OUTPUT_CAP: { code: 3003, message: 'Command output passed its cap and the command was killed' },
  START_FAILED: { code: 3004, message: 'Command could not be started' },
  BUSY: { code: 3005, message: 'Busy: concurrency limit reached' },
  KILLED_BY_SIGNAL: { code: 3006, message: 'Command was ended by a signal' },
  CANCELLED: { code: 3007, message: 'Cancelled' },
  TOO_MANY_CONNECTIONS: { code: 9001, message: 'Too many connections' },
  INTERNAL: { code: 9999, message: 'Internal error' },
} as const;

export type CodeName = keyof typeof codes;
export type CodeNumber = (typeof codes)[CodeName]['code'];

// A failure on the road that becomes a response with that code. `detail` replaces or
// completes the default message (e.g. which field of the request was wrong).
export class RelayError extends Error {
  readonly codeName: CodeName;
  readonly code: CodeNumber;

  constructor(codeName: CodeName, detail?: string) {
    const base = codes[codeName].message;
    super(detail === undefined ? base : `${base}: ${detail}`);
    this.name = 'RelayError';
    this.codeName = codeName;
    this.code = codes[codeName].code;
  }
}

// The message for a command that exited non-zero with nothing on stderr (SPEC 2.2).
export function exitCodeMessage(exitCode: number): string {
  return `${codes.EXIT_NONZERO.message} ${exitCode}`;
}
