// Where a command runs: cwd (user and group are looked up in command-options.ts).
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { accept, reject, type OptionResult } from './option-result.js';

// Checks cwd: an absolute path to a directory that exists now.
export function parseCwd(value: string): OptionResult<string> {
  if (!isAbsolute(value)) return reject('must be an absolute path');
  try {
    if (!statSync(value).isDirectory()) return reject('not a directory');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return reject(code === 'ENOENT' ? 'no such directory' : `cannot use: ${code ?? String(error)}`);
  }
  return accept(value);
}
