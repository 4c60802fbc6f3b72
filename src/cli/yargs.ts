// yargs, built the way its own entry point builds it for Node, except that the help renderer is
// loaded when help is rendered, not when the command line is read.
//
// yargs' Node shim imports cliui and string-width at load time. Two copies of string-width each
// make an Intl.Segmenter at load (ICU's grapheme rules), and with cliui's own modules that was
// 3.6 MiB of a daemon's resident memory at rest, 3 of them anonymous: paid by every `serve` and
// `agent`, which never print help. Here the same factory gets the same shim with those two
// required on first use (require() of an ES module: Node >= 20.19). The factory and the argv
// helper are files inside yargs that its package exports do not name; if a later yargs moves
// them, every CLI test fails at this import.
import { notStrictEqual, strictEqual } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import type yargsOfNode from 'yargs';

type Yargs = typeof yargsOfNode;
type Factory = (shim: object) => Yargs;

const entry = import.meta.resolve('yargs'); // file:///…/node_modules/yargs/index.mjs
const entryPath = fileURLToPath(entry);
// yargs' own dependencies, resolved from where yargs is installed (not hoisted ones by luck).
const requireFromYargs = createRequire(entry);
const { YargsFactory } = (await import(new URL('build/lib/yargs-factory.js', entry).href)) as { YargsFactory: Factory };
const { getProcessArgvBin, hideBin } = (await import(new URL('build/lib/utils/process-argv.js', entry).href)) as {
  getProcessArgvBin: () => string;
  hideBin: (argv: readonly string[]) => string[];
};
// What a package gives require(): CommonJS exports, an ES module's `module.exports` export, or
// else its namespace, whose default export is the value.
function required<T>(name: string): T {
  const module: unknown = requireFromYargs(name);
  const namespace = module as { __esModule?: boolean; default?: T };
  return namespace.__esModule === true && namespace.default !== undefined ? namespace.default : (module as T);
}
const y18n = required<(options: object) => object>('y18n');
const getCallerFile = required<(position?: number) => string>('get-caller-file');

interface HelpRenderer {
  cliui: (options: object) => unknown;
  stringWidth: (text: string) => number;
}
let helpRenderer: HelpRenderer | undefined;
function renderer(): HelpRenderer {
  helpRenderer ??= {
    cliui: required('cliui'),
    stringWidth: required('string-width'),
  };
  return helpRenderer;
}

// The fields of yargs' lib/platform-shims/esm.mjs, in its order, with the same values.
const nodeShim = {
  assert: { notStrictEqual, strictEqual },
  cliui: (options: object) => renderer().cliui(options),
  findUp: required<unknown>('escalade/sync'),
  getEnv: (key: string) => process.env[key],
  inspect,
  getProcessArgvBin,
  mainFilename: entryPath.substring(0, entryPath.lastIndexOf('node_modules')) || process.cwd(),
  Parser: required<unknown>('yargs-parser'),
  path: { basename, dirname, extname, relative, resolve, join },
  process: {
    argv: () => process.argv,
    cwd: () => process.cwd(),
    emitWarning: (warning: string, type?: string) => process.emitWarning(warning, type),
    execPath: () => process.execPath,
    exit: (code: number) => process.exit(code),
    nextTick: (callback: () => void) => process.nextTick(callback),
    stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null,
  },
  readFileSync,
  readdirSync,
  require: requireFromYargs,
  getCallerFile: () => {
    const callerFile = getCallerFile(3);
    return callerFile.startsWith('file://') ? fileURLToPath(callerFile) : callerFile;
  },
  stringWidth: (text: string) => renderer().stringWidth(text),
  y18n: y18n({ directory: join(dirname(entryPath), 'locales'), updateFiles: false }),
};

export const yargs: Yargs = YargsFactory(nodeShim);
export { hideBin };
