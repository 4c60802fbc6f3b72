// @ts-check
// Words for what the relay says: argument rules, outcomes, sizes, times.

import { RELAY_CODES } from './api.js';

/** @typedef {import('./api.js').ListedCommand} ListedCommand */
/** @typedef {import('./api.js').RelayAnswer} RelayAnswer */

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** @param {number} ms */
export function formatDuration(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(2)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** @param {{ min: number, max: number | null } | undefined} args */
export function describeCount(args) {
  if (args === undefined) return 'as the command allows';
  const { min, max } = args;
  if (max === 0) return 'none';
  if (max === null) return min === 0 ? 'any number' : `at least ${min}`;
  if (min === max) return `exactly ${min}`;
  return min === 0 ? `up to ${max}` : `${min} to ${max}`;
}

/** @param {ListedCommand} command @returns {string[]} */
export function describeRules(command) {
  const rules = [];
  let args = `Arguments: ${describeCount(command.args)}`;
  if (command.arg_pattern !== undefined && command.args?.max !== 0) args += `, each matching ${command.arg_pattern} as a whole`;
  rules.push(args);
  const limit = command.max_payload === undefined ? '' : `, up to ${formatBytes(command.max_payload)}`;
  if (command.payload === 'stdin') rules.push(`Payload: on standard input${limit}`);
  else if (command.payload === 'file') rules.push(`Payload: as a private file (its path is the first argument)${limit}`);
  else if (command.payload === 'none') rules.push('Payload: none');
  return rules;
}

/**
 * @typedef {object} Outcome
 * @property {'ok' | 'failed' | 'refused'} kind
 * @property {string} text   one line: what happened, exit status, code, duration
 * @property {string} detail the relay's message where it adds something
 */

// Codes of runs the daemon ended (2.4): the command did not finish by itself.
/** @type {ReadonlyMap<number, string>} */
const KILLED = new Map([
  [RELAY_CODES.TIMED_OUT, 'timed out'],
  [RELAY_CODES.OUTPUT_CAP, 'output over the cap'],
  [RELAY_CODES.KILLED_BY_SIGNAL, 'killed by a signal'],
  [RELAY_CODES.CANCELLED, 'cancelled'],
]);

/** @param {RelayAnswer} answer @returns {Outcome} */
export function describeOutcome(answer) {
  const parts = [];
  const ran = typeof answer.exit_code === 'number' || typeof answer.signal === 'string';
  if (typeof answer.exit_code === 'number') parts.push(`exit ${answer.exit_code}`);
  if (typeof answer.signal === 'string') parts.push(`signal ${answer.signal}`);
  parts.push(`code ${answer.code}`);
  // A refusal's duration is the relay's bookkeeping, not a run's: said only for runs.
  const showDuration = ran || answer.code === RELAY_CODES.OK || KILLED.has(answer.code);
  if (showDuration && typeof answer.duration_ms === 'number') parts.push(formatDuration(answer.duration_ms));
  if (answer.truncated === true) parts.push('output truncated');
  if (answer.code === RELAY_CODES.OK) return { kind: 'ok', text: ['succeeded', ...parts].join(' · '), detail: '' };
  const word = KILLED.get(answer.code) ?? (answer.code === RELAY_CODES.EXIT_NONZERO ? 'failed' : ran ? 'failed' : 'not run');
  // A 3001's message repeats stderr (already shown) or says "exited with code N" (already said).
  const detail = answer.code === RELAY_CODES.EXIT_NONZERO ? '' : answer.message;
  return { kind: ran || KILLED.has(answer.code) ? 'failed' : 'refused', text: [word, ...parts].join(' · '), detail };
}

/** @param {string | undefined} iso */
export function formatTime(iso) {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}
