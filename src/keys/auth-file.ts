// Reads one auth.conf for editing: its exact text and what the INI reader makes of it.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { readIni, type IniDocument } from '../config/index.js';
import { KeyToolError } from './key-tool-error.js';

export interface AuthFile {
  file: string;
  text: string; // '' when the file does not exist yet
  stats: Stats | null; // null when it does not exist
  document: IniDocument;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Refuses a file the daemon would refuse too: an edit must not build on a misreading.
export function readAuthFile(file: string): AuthFile {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new KeyToolError(`cannot read ${file}: ${(error as Error).message}`);
    return { file, text: '', stats: null, document: readIni('', file).document };
  }
  if (!stats.isFile()) throw new KeyToolError(`${file} is not a regular file`);
  let text: string;
  try {
    text = utf8.decode(readFileSync(file));
  } catch (error) {
    throw new KeyToolError(error instanceof TypeError ? `${file} is not valid UTF-8` : `cannot read ${file}: ${(error as Error).message}`);
  }
  const { document, errors } = readIni(text, file);
  if (errors.length > 0) {
    const lines = errors.map((error) => `  ${error.file}:${error.line}: ${error.message}`).join('\n');
    throw new KeyToolError(`${file} has errors; fix them first (uscmdrelay configtest):\n${lines}`);
  }
  return { file, text, stats, document };
}
