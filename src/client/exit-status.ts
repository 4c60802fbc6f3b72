// The exit status of `uscmdrelay call` for an answer (SPEC 7.1), as protocol/codes.ts gives it
// for each code. The command's own status passes through, as with ssh.
import { constants } from 'node:os';
import { codes, EXIT_NO_ANSWER, EXIT_RELAY_FAILURE, type CodeName, type RelayResponse } from '../protocol/index.js';

export { EXIT_NO_ANSWER, EXIT_RELAY_FAILURE };

const codeNames = Object.keys(codes) as CodeName[];

// The codes whose status is fixed (every code but 0, 3001 and 3006), by name.
export const EXIT_STATUS_BY_CODE: Partial<Record<CodeName, number>> = Object.fromEntries(
  codeNames.flatMap((name) => {
    const exit = codes[name].exit;
    return typeof exit === 'number' ? [[name, exit]] : [];
  }),
);

const NAME_BY_CODE = new Map<number, CodeName>(codeNames.map((name) => [codes[name].code, name]));

// 128 + the signal's number, as a shell reports a command killed by a signal.
function signalStatus(signal: string | null): number {
  const number = signal === null ? undefined : constants.signals[signal as NodeJS.Signals];
  return number === undefined ? EXIT_RELAY_FAILURE : 128 + number;
}

// The status `call` exits with for a response.
export function exitStatusFor(response: Pick<RelayResponse, 'code' | 'exit_code' | 'signal'>): number {
  const name = NAME_BY_CODE.get(response.code);
  if (name === undefined) return EXIT_RELAY_FAILURE;
  const exit = codes[name].exit;
  if (exit === 'signal') return signalStatus(response.signal);
  if (exit !== 'command') return exit;
  if (response.code === codes.OK.code) return 0;
  return response.exit_code !== null && response.exit_code > 0 && response.exit_code < 256 ? response.exit_code : 1;
}
