// env and pass_env: what a command's environment holds beyond the daemon's fixed set.
import { accept, reject, type OptionResult } from './option-result.js';
import { ShlexError, shlexSplit } from './shlex.js';

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
