// Every status a uscmdrelay command exits with, by name: the one table (the README's tables of
// `call`, `send` and `signal`/`wait` are held to it by test/cli/exits.test.ts). `call`, `list` and `job` exit with the status protocol/codes.ts
// gives the relay's answer; what is not an answer is here. Nobody writes an exit number inline.
import { constants } from 'node:os';
import { codes, EXIT_NO_ANSWER } from '../protocol/index.js';
import type { FleetRow } from '../fleet/index.js';

export const exits = {
  OK: 0,
  FATAL: 1, // serve, agent: a fatal error after start (logged first)
  KEY_TOOL_REFUSED: 1, // key new|list|revoke: a duplicate label, a bad value, an unreadable file
  SEND_FAILED: 1, // send, results: an answer not 0, an agent missing, or --expect not met
  WAIT_TIMED_OUT: 1, // wait: --timeout passed before a signal came
  USAGE: 2, // a bad flag or value, a start-up failure (SPEC 6): nothing was done
  NO_AGENT_ANSWERED: 3, // send, results: none matched, none knows the sender, or all timed out
  BROKER_UNREACHABLE: 3, // signal, wait: the broker unreachable or took no message (remaphore's "other")
  COMMAND_NOT_STARTED: 127, // wait: the command after -- could not start, as a shell says
  STDOUT_CLOSED: 128 + constants.signals.SIGPIPE, // call, list: the reader went away (141)
  NO_ANSWER: EXIT_NO_ANSWER, // call, list, job: connection refused, closed early, unparseable (255)
} as const;

// Prints `uscmdrelay: message` on stderr and exits with `status`.
export function exitWith(status: number, message: string): never {
  process.stderr.write(`uscmdrelay: ${message}\n`);
  process.exit(status);
}

// 128 + the signal's number, as a shell reports a command killed by that signal.
export function killedBySignalStatus(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

// `send`'s status (SPEC 9): OK only if at least one agent answered and every answer has code 0.
// A missing agent or too few answers for --expect is a failure too.
export function sendExitStatus(rows: readonly FleetRow[], expect: number | null): number {
  const answers = rows.filter((row) => row.state === 'answered');
  if (answers.length === 0) return exits.NO_AGENT_ANSWERED;
  if (rows.some((row) => row.state === 'missing' || row.response.code !== codes.OK.code)) return exits.SEND_FAILED;
  if (expect !== null && answers.length < expect) return exits.SEND_FAILED;
  return exits.OK;
}
