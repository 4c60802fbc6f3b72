// Reads and merges every copy of one configuration file into one INI document.
import { interpolateIni } from './ini-interpolate.js';
import { mergeIni } from './ini-merge.js';
import { readIni } from './ini-reader.js';
import type { IniDocument, IniSyntaxError } from './ini-types.js';
import { readConfigFiles, type ReadConfigFilesOptions } from './files.js';
import type { ConfigProblem } from './types.js';

export interface IniFilesReading {
  document: IniDocument;
  syntaxErrors: IniSyntaxError[];
  problems: ConfigProblem[]; // files that could not be read
  noConfigFound: ConfigProblem | null;
}

// Reads `name` wherever it is looked for and merges the copies like configparser.read([...]).
export function readIniFiles(name: string, options: ReadConfigFilesOptions): IniFilesReading {
  const reading = readConfigFiles(name, options);
  const results = reading.texts.map(({ file, text }) => readIni(text, file));
  const document = mergeIni(results.map((result) => result.document));
  const syntaxErrors = [...results.flatMap((result) => result.errors), ...interpolateIni(document)];
  const fileProblems = reading.problems.length > 0 || syntaxErrors.length > 0;
  const noConfigFound: ConfigProblem | null =
    document.sections.size === 0 && !fileProblems
      ? { message: `No config found: no section in ${reading.candidates.join(', ')}` }
      : null;
  return { document, syntaxErrors, problems: reading.problems, noConfigFound };
}
