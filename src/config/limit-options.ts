// Numeric options of [cluster::name]: timeout, max_output, max_payload, concurrency.
import { accept, reject, type OptionResult } from './option-result.js';

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
