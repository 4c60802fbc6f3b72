// Options that shape what a client may send and how a run behaves: args, arg_pattern, logmask,
// payload, shell, on_disconnect.
import { accept, reject, type OptionResult } from './option-result.js';
import type { ArgsPolicy } from './types.js';

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
