// Where `uscmdrelay call` and `list` take the key from: a file or USCMDRELAY_KEY, never a flag
// (a flag shows in `ps` and in shell history).
import { readFileSync, statSync } from 'node:fs';

export interface KeySource {
  key: string;
  warnings: string[]; // for the CLI to print on stderr
}

// The key from keyFile when given, else from env; throws an Error saying what to do when neither.
export function readClientKey(keyFile: string | undefined, env: NodeJS.ProcessEnv): KeySource {
  if (keyFile === undefined || keyFile === '') {
    const key = env.USCMDRELAY_KEY;
    if (key === undefined || key === '') throw new Error('no key: give --key-file FILE or set USCMDRELAY_KEY');
    return { key, warnings: [] };
  }
  const warnings: string[] = [];
  const mode = statSync(keyFile).mode;
  if ((mode & 0o077) !== 0) {
    const shown = (mode & 0o777).toString(8).padStart(3, '0');
    warnings.push(`warning: key file ${keyFile} is accessible by group or others (mode ${shown}); run chmod 600 ${keyFile}`);
  }
  // One key per file; the line end an editor adds is not part of it.
  const key = readFileSync(keyFile, 'utf8').replace(/\r?\n$/u, '');
  if (key.trim() === '') throw new Error(`no key in ${keyFile}`);
  return { key, warnings };
}
