// The one table of relay codes (SPEC 2.4): every code, its default message, and the exit status
// of `uscmdrelay call` for it. Nobody else writes a code number or a client-facing error message
// inline; the README's tables are held to this one by test/protocol/codes.test.ts.

// The client's exit status for an answer (SPEC 7.1; README "Exit status of `call`"): a fixed
// status, or `'command'` (the command's own: 0, or its non-zero status) or `'signal'` (128 + the
// number of the signal that ended it, as a shell reports it). The relay's refusals take values at
// the top of the range, where commands rarely exit.
export type ClientExit = number | 'command' | 'signal';

// No answer at all: connection refused, TLS refused, closed early, unparseable (ssh's 255).
export const EXIT_NO_ANSWER = 255;
// 9999 internal error, and a code this client does not know (a newer relay).
export const EXIT_RELAY_FAILURE = 254;

export const codes = {
  OK: { code: 0, message: '', exit: 'command' },
  AUTH_FAILED: { code: 1000, message: 'Authentication failed', exit: 251 },
  THROTTLED: { code: 1002, message: 'Too many failed attempts; try later', exit: 251 },
  UNKNOWN_CLUSTER: { code: 2000, message: 'Unknown cluster', exit: 252 },
  UNKNOWN_COMMAND: { code: 2001, message: 'Unknown command', exit: 252 },
  ARGS_REJECTED: { code: 2002, message: 'Arguments rejected', exit: 253 }, // the request was refused as sent
  REQUEST_TOO_LARGE: { code: 2003, message: 'Request too large', exit: 253 },
  PAYLOAD_REJECTED: { code: 2004, message: 'Payload not accepted', exit: 253 },
  REQUEST_TIMEOUT: { code: 2005, message: 'No complete request in time', exit: 253 },
  UNKNOWN_JOB: { code: 2006, message: 'Unknown job', exit: 252 },
  MALFORMED: { code: 2099, message: 'Malformed request', exit: 253 },
  EXIT_NONZERO: { code: 3001, message: 'Command exited with code', exit: 'command' },
  TIMED_OUT: { code: 3002, message: 'Command ran past its time limit and was killed', exit: 124 }, // as timeout(1)
  OUTPUT_CAP: { code: 3003, message: 'Command output passed its cap and the command was killed', exit: 248 },
  START_FAILED: { code: 3004, message: 'Command could not be started', exit: 126 }, // as a shell's "cannot execute"
  BUSY: { code: 3005, message: 'Busy: concurrency limit reached', exit: 250 }, // retry later
  KILLED_BY_SIGNAL: { code: 3006, message: 'Command was ended by a signal', exit: 'signal' },
  CANCELLED: { code: 3007, message: 'Cancelled', exit: 249 }, // the relay shut down while the command ran
  TOO_MANY_CONNECTIONS: { code: 9001, message: 'Too many connections', exit: 250 },
  INTERNAL: { code: 9999, message: 'Internal error', exit: EXIT_RELAY_FAILURE },
} as const satisfies Record<string, { code: number; message: string; exit: ClientExit }>;

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
