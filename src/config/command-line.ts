// A configured command line: split like shlex.split, never empty.
import { accept, reject, type OptionResult } from './option-result.js';
import { ShlexError, shlexSplit } from './shlex.js';

// Splits a command line into argv. In shell mode the line is a /bin/sh script, which may be
// valid sh without being valid shlex (an apostrophe in a `#` comment): argv is then empty.
export function parseCommandLine(line: string, shell: boolean): OptionResult<readonly string[]> {
  if (line.trim() === '') return reject('empty command line');
  let argv: string[];
  try {
    argv = shlexSplit(line);
  } catch (error) {
    if (!(error instanceof ShlexError)) throw error;
    return shell ? accept([]) : reject(`cannot split the command line: ${error.message}`);
  }
  if (argv.length === 0 || argv[0] === '') return reject('empty command line');
  return accept(argv);
}
