// auth.conf as the key tool reads and writes it (SPEC 3.1, 7.3): which file, its exact text for
// editing, its lines with their own ends, and replacing it in one step. A refusal is a KeyToolError.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchownSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { candidatePaths, defaultSearchDirs, readIni, readUtf8File, type IniDocument } from '../config/index.js';

// A refusal of the key tool (duplicate label, bad value, unreadable auth.conf): the CLI prints the
// message and exits non-zero; the file is left untouched.
export class KeyToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyToolError';
  }
}

const AUTH_CONF = 'auth.conf';

// Every auth.conf the daemon would read, existing or not: DIR/auth.conf, or one per search dir.
export function authFileCandidates(configDir: string | undefined): string[] {
  return candidatePaths(AUTH_CONF, configDir, defaultSearchDirs());
}

// Where `key new` writes: DIR/auth.conf, else the first existing file of the search path, else
// the user's own ~/.config/uscmdrelay/auth.conf (created).
export function authFileToWrite(configDir: string | undefined): string {
  if (configDir !== undefined) return join(configDir, AUTH_CONF);
  return authFileCandidates(undefined).find((file) => existsSync(file)) ?? join(homedir(), '.config', 'uscmdrelay', AUTH_CONF);
}

export interface AuthFile {
  file: string;
  text: string; // '' when the file does not exist yet
  stats: Stats | null; // null when it does not exist
  document: IniDocument;
}

// Reads one auth.conf for editing: its exact text and what the INI reader makes of it. Refuses a
// file the daemon would refuse too: an edit must not build on a misreading.
export function readAuthFile(file: string): AuthFile {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new KeyToolError(`cannot read ${file}: ${(error as Error).message}`);
    return { file, text: '', stats: null, document: readIni('', file).document };
  }
  if (!stats.isFile()) throw new KeyToolError(`${file} is not a regular file`);
  let text: string | null;
  try {
    text = readUtf8File(file);
  } catch (error) {
    throw new KeyToolError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (text === null) throw new KeyToolError(`${file} is not valid UTF-8`);
  const { document, errors } = readIni(text, file);
  if (errors.length > 0) {
    const lines = errors.map((error) => `  ${error.file}:${error.line}: ${error.message}`).join('\n');
    throw new KeyToolError(`${file} has errors; fix them first (uscmdrelay configtest):\n${lines}`);
  }
  return { file, text, stats, document };
}

// Splits like the INI reader numbers lines (CRLF, CR or LF each end one); the last line may
// have no end. Joining the result gives the text back exactly, so an edit keeps every other byte.
export function splitKeepingEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/gu) ?? [];
}

// The line end the file already uses, so an appended section looks like its neighbours.
export function lineEndOf(text: string): string {
  const first = /\r\n|\r|\n/u.exec(text);
  return first?.[0] ?? '\n';
}

// Replaces auth.conf in one step, so readers see the old file or the new one, never half of
// either: writes a 0600 temporary file beside `file`, then renames it over. Run as root on a file
// owned by the daemon's user, the owner is kept (the daemon refuses an auth.conf it does not own).
export function writePrivateFile(file: string, text: string, previous: Stats | null): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    if (previous !== null && process.getuid?.() === 0 && (previous.uid !== 0 || previous.gid !== 0)) {
      fchownSync(fd, previous.uid, previous.gid);
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, file);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    unlinkSync(temp);
    throw error;
  }
}
