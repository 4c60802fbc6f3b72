// The configuration files on disk: where they are looked for (SPEC 3.1), the check a file holding
// keys must pass, and reading them strictly as UTF-8, checking before trusting.
import { closeSync, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConfigProblem } from './types.js';

// The directories searched without --config-dir, in the order later ones override earlier ones.
export function defaultSearchDirs(): string[] {
  return ['/etc/uscmdrelay', '/etc/opt/uscmdrelay', join(homedir(), '.config', 'uscmdrelay')];
}

// The candidate paths of one file: DIR/name alone with --config-dir, else one per search directory.
export function candidatePaths(name: string, configDir: string | undefined, searchDirs: readonly string[]): string[] {
  return configDir === undefined ? searchDirs.map((dir) => join(dir, name)) : [join(configDir, name)];
}

// Whether a file with this mode gives its group or others any access: a file holding keys (or
// their hashes, or a private identity) must be its owner's alone.
export function accessibleByGroupOrOthers(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

// The problem with a key file's owner or mode, or null when only the daemon's user can touch it
// (auth.conf holds keys or their hashes: the original refused one that others could read).
export function privateFileProblem(stats: Pick<Stats, 'uid' | 'mode'>, file: string): ConfigProblem | null {
  const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  if (uid !== null && stats.uid !== uid) {
    return { file, message: `must be owned by the daemon's user (uid ${uid}), not uid ${stats.uid} (mode ${mode})` };
  }
  if (accessibleByGroupOrOthers(stats.mode)) {
    return { file, message: `must not be accessible by group or others (mode ${mode}); run chmod 600 ${file}` };
  }
  return null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// Reads a whole file (a path or an open descriptor) as UTF-8, or null when its bytes are not
// UTF-8: a configuration is refused, never read with replacement characters that change its
// meaning. Errors reading the file are thrown.
export function readUtf8File(file: string | number): string | null {
  const bytes = readFileSync(file);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export interface ConfigFileText {
  file: string;
  text: string;
}

export interface ConfigFileReading {
  texts: ConfigFileText[];
  problems: ConfigProblem[];
  candidates: string[]; // every path looked at, for "No config found"
  missingRequired: boolean; // --config-dir named a file that is not there
}

export interface ReadConfigFilesOptions {
  configDir: string | undefined;
  searchDirs: readonly string[];
  mustBePrivate: boolean;
}

// Reads one file; a file that is absent where absence is allowed yields null and no problem.
function readOne(file: string, absentIsProblem: boolean, mustBePrivate: boolean): ConfigFileText | ConfigProblem | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !absentIsProblem) return null;
    return { file, message: code === 'ENOENT' ? 'No such file' : `cannot open: ${code ?? String(error)}` };
  }
  try {
    // Checking the open descriptor, not the path, so the file read is the file checked.
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { file, message: 'not a regular file' };
    if (mustBePrivate) {
      const problem = privateFileProblem(stats, file);
      if (problem !== null) return problem;
    }
    let text: string | null;
    try {
      text = readUtf8File(fd);
    } catch (error) {
      return { file, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    }
    return text === null ? { file, message: 'not valid UTF-8' } : { file, text };
  } finally {
    closeSync(fd);
  }
}

// Reads `name` from --config-dir (where it must exist) or from every search directory that has it.
export function readConfigFiles(name: string, options: ReadConfigFilesOptions): ConfigFileReading {
  const candidates = candidatePaths(name, options.configDir, options.searchDirs);
  const reading: ConfigFileReading = { texts: [], problems: [], candidates, missingRequired: false };
  const required = options.configDir !== undefined;
  for (const file of candidates) {
    const result = readOne(file, required, options.mustBePrivate);
    if (result === null) continue;
    if ('text' in result) {
      reading.texts.push(result);
    } else {
      reading.problems.push(result);
      if (required && result.message === 'No such file') reading.missingRequired = true;
    }
  }
  return reading;
}
