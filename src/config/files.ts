// Reads the copies of one configuration file, checking what must be checked before trusting them.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { candidatePaths } from './search-path.js';
import { privateFileProblem } from './private-file.js';
import type { ConfigProblem } from './types.js';

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

const utf8 = new TextDecoder('utf-8', { fatal: true });

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
    try {
      return { file, text: utf8.decode(readFileSync(fd)) };
    } catch (error) {
      if (error instanceof TypeError) return { file, message: 'not valid UTF-8' };
      return { file, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    }
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
