// How the value of each kind of [cluster::name] option is read (the table in command-options.ts
// says which option takes which): a parser returns the value, or the message configtest prints.
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ShlexError, shlexSplit } from './shlex.js';
import type { ArgsPolicy } from './types.js';

// What an option parser returns: the value, or the message of a problem with it.
export type OptionResult<T> = { ok: true; value: T } | { ok: false; message: string };

// A successful parse.
export function accept<T>(value: T): OptionResult<T> {
  return { ok: true, value };
}

// A failed parse, with the message configtest will print.
export function reject<T>(message: string): OptionResult<T> {
  return { ok: false, message };
}

// The command line

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

// Limits: timeout, max_output, max_payload, concurrency

const SECONDS = /^(?:\d+(?:\.\d*)?|\.\d+)$/u;
const BYTES = /^(\d+)[ \t]*([KMG])?$/iu;
const WHOLE_NUMBER = /^\d+$/u;
const UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
// Node's timers overflow past 2^31-1 ms and then fire at once: a longer limit would be no limit.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

// Parses a timeout in seconds (fractions allowed, 0 = none) into milliseconds.
export function parseTimeout(value: string): OptionResult<number> {
  if (!SECONDS.test(value)) return reject('must be a number of seconds >= 0 (0 = no limit)');
  const ms = Math.round(Number(value) * 1000);
  if (ms > MAX_TIMEOUT_MS) return reject(`must be at most ${Math.floor(MAX_TIMEOUT_MS / 1000)} seconds (0 = no limit)`);
  return accept(ms);
}

// Parses a byte count >= 1 with an optional K, M or G suffix (KiB, MiB, GiB).
export function parseByteCount(value: string): OptionResult<number> {
  const match = BYTES.exec(value);
  const bytes = match === null ? NaN : Number(match[1]) * (UNIT[(match[2] ?? '').toUpperCase()] ?? 1);
  if (!(bytes >= 1 && Number.isSafeInteger(bytes))) {
    return reject('must be a whole number of bytes >= 1, optionally with K, M or G (KiB, MiB, GiB)');
  }
  return accept(bytes);
}

// Parses a whole number >= 1.
export function parsePositiveInteger(value: string): OptionResult<number> {
  const number = WHOLE_NUMBER.test(value) ? Number(value) : NaN;
  if (!(number >= 1 && Number.isSafeInteger(number))) return reject('must be a whole number >= 1');
  return accept(number);
}

// Where a command runs: cwd (user and group are looked up in command-options.ts)

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

// Environment: env, pass_env

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/u;

// Parses env: shlex-split NAME=value pairs.
export function parseEnv(value: string): OptionResult<ReadonlyMap<string, string>> {
  let words: string[];
  try {
    words = shlexSplit(value);
  } catch (error) {
    if (error instanceof ShlexError) return reject(error.message);
    throw error;
  }
  const env = new Map<string, string>();
  for (const word of words) {
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    if (equals === -1) return reject(`"${word}" is not NAME=value`);
    if (!ENV_NAME.test(name)) return reject(`"${name}" is not a variable name ([A-Za-z_][A-Za-z0-9_]*)`);
    if (env.has(name)) return reject(`${name} is set twice`);
    env.set(name, word.slice(equals + 1));
  }
  return accept(env);
}

// Parses pass_env: names separated by spaces or commas.
export function parsePassEnv(value: string): OptionResult<readonly string[]> {
  const names = value.split(/[\s,]+/u).filter((name) => name !== '');
  const bad = names.find((name) => !ENV_NAME.test(name));
  if (bad !== undefined) return reject(`"${bad}" is not a variable name ([A-Za-z_][A-Za-z0-9_]*)`);
  return accept([...new Set(names)]);
}

// What a client may send and how a run behaves: args, arg_pattern, logmask, payload, shell,
// on_disconnect

// configparser's getboolean words (RawConfigParser.BOOLEAN_STATES), any case.
const BOOLEAN_WORDS = new Map([
  ['1', true], ['yes', true], ['true', true], ['on', true],
  ['0', false], ['no', false], ['false', false], ['off', false],
]);

// Parses args: `none`, `any`, `N` (at most N) or `M-N` client arguments.
export function parseArgsPolicy(value: string): OptionResult<ArgsPolicy> {
  const word = value.toLowerCase();
  if (word === 'none') return accept({ min: 0, max: 0 });
  if (word === 'any') return accept({ min: 0, max: null });
  const match = /^(?:(\d+)[ \t]*-[ \t]*)?(\d+)$/u.exec(value);
  const min = Number(match?.[1] ?? 0);
  const max = Number(match?.[2]);
  if (match === null || !Number.isSafeInteger(min) || !Number.isSafeInteger(max)) {
    return reject('must be none, any, N (at most N arguments) or M-N');
  }
  if (min > max) return reject(`the range ${min}-${max} is empty: M must not exceed N`);
  return accept({ min, max });
}

// Compiles arg_pattern so that it must match a whole argument.
export function parseArgPattern(value: string): OptionResult<RegExp> {
  if (value === '') return reject('empty; leave the option out to allow any argument');
  try {
    // Checked alone first: `a)|(b` is no expression, yet wrapped it compiles to one that
    // matches any argument starting with a or ending with b.
    new RegExp(value, 'u');
    return accept(new RegExp(`^(?:${value})$`, 'u'));
  } catch (error) {
    return reject(`not a valid regular expression: ${(error as Error).message}`);
  }
}

// Parses logmask: 1-based positions of client arguments, separated by spaces or commas.
export function parseLogmask(value: string): OptionResult<ReadonlySet<number>> {
  const positions = new Set<number>();
  for (const item of value.split(/[\s,]+/u).filter((entry) => entry !== '')) {
    const position = /^\d+$/u.test(item) ? Number(item) : NaN;
    if (!(position >= 1 && Number.isSafeInteger(position))) {
      return reject(`"${item}" is not an argument position (1 is the first client argument)`);
    }
    positions.add(position);
  }
  return accept(positions);
}

// Parses one of a fixed set of words, in any case.
export function parseChoice<T extends string>(value: string, choices: readonly T[]): OptionResult<T> {
  const word = value.toLowerCase();
  const choice = choices.find((candidate) => candidate === word);
  return choice === undefined ? reject(`must be one of: ${choices.join(', ')}`) : accept(choice);
}

// Parses a boolean the way configparser's getboolean does.
export function parseBoolean(value: string): OptionResult<boolean> {
  const flag = BOOLEAN_WORDS.get(value.toLowerCase());
  return flag === undefined ? reject('must be yes or no (also 1/0, true/false, on/off)') : accept(flag);
}
