// @ts-check
// The relay's HTTP door (SPEC 11) as the console uses it. The key goes in the Authorization
// header only: never in a URL, a cookie or anything the page logs.

/**
 * @typedef {object} ListedCommand
 * @property {string} command
 * @property {string} description
 * @property {{ min: number, max: number | null }} [args]
 * @property {string} [arg_pattern]
 * @property {'none' | 'stdin' | 'file'} [payload]
 * @property {number} [max_payload]
 */

/**
 * @typedef {object} RelayAnswer The 2.2 response, or any other relay answer (listing, job).
 * @property {string} [status]
 * @property {string} message
 * @property {number} code
 * @property {number | null} [exit_code]
 * @property {string | null} [signal]
 * @property {number} [duration_ms]
 * @property {boolean} [truncated]
 * @property {unknown} [commands]
 * @property {unknown} [jobs]
 * @property {unknown} [job]
 * @property {string} [job_id]
 * @property {string} [state]
 * @property {string} [output]
 * @property {number} [next_offset]
 * @property {boolean} [done]
 */

/**
 * @typedef {object} RunBody
 * @property {string} command
 * @property {string[]} arguments
 * @property {string} [payload]
 * @property {'base64'} [payload_encoding]
 */

// The relay codes the console acts on, as protocol/codes.ts names them (test/protocol/codes.test.ts
// holds these to that table).
export const RELAY_CODES = Object.freeze({
  OK: 0,
  AUTH_FAILED: 1000,
  UNKNOWN_JOB: 2006,
  EXIT_NONZERO: 3001,
  TIMED_OUT: 3002,
  OUTPUT_CAP: 3003,
  KILLED_BY_SIGNAL: 3006,
  CANCELLED: 3007,
});

/** @param {unknown} value @returns {value is Record<string, unknown>} */
export function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A listing entry the console can show: a name and a description at least. @param {unknown} value @returns {value is ListedCommand} */
export function isListedCommand(value) {
  return isObject(value) && typeof value.command === 'string' && typeof value.description === 'string';
}

/** @param {unknown} value @returns {RelayAnswer} */
function toAnswer(value, httpStatus = 0) {
  if (isObject(value) && typeof value.code === 'number') {
    return /** @type {RelayAnswer} */ ({ ...value, message: typeof value.message === 'string' ? value.message : '' });
  }
  return { code: -1, message: `unexpected answer from the relay (HTTP ${httpStatus})` };
}

/** @param {string} key @param {Record<string, string>} [extra] */
function headers(key, extra = {}) {
  return { authorization: `Bearer ${key}`, ...extra };
}

/** @type {RequestInit} */
const COMMON = { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };

/** @param {Response} response @returns {Promise<RelayAnswer>} */
async function readAnswer(response) {
  const text = await response.text();
  try {
    return toAnswer(JSON.parse(text), response.status);
  } catch {
    return toAnswer(null, response.status);
  }
}

/**
 * A request whose answer is one JSON object; a network failure becomes an answer too.
 * @param {string} path @param {RequestInit} init @returns {Promise<RelayAnswer>}
 */
async function exchange(path, init) {
  let response;
  try {
    response = await fetch(path, { ...COMMON, ...init });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    return { code: -1, message: 'the relay cannot be reached' };
  }
  return readAnswer(response);
}

/** The commands this key may run (7.2). @param {string} key */
export function listCommands(key) {
  return exchange('/v1/commands', { headers: headers(key) });
}

/**
 * Runs a command and streams its output (2.3 as NDJSON); resolves with the final response.
 * @param {string} key @param {RunBody} body
 * @param {(stream: 'stdout' | 'stderr', data: string) => void} onOutput
 * @param {AbortSignal} signal
 * @returns {Promise<RelayAnswer>}
 */
export async function runStreaming(key, body, onOutput, signal) {
  let response;
  try {
    response = await fetch('/v1/run', {
      ...COMMON,
      method: 'POST',
      headers: headers(key, { 'content-type': 'application/json', accept: 'application/x-ndjson' }),
      body: JSON.stringify({ ...body, stream: true }),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    return { code: -1, message: 'the relay cannot be reached' };
  }
  if (response.body === null) return readAnswer(response);
  /** @type {RelayAnswer | null} */
  let final = null;
  /** @param {string} line */
  const take = (line) => {
    if (line.trim() === '') return;
    /** @type {unknown} */
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      final = toAnswer(null, response.status);
      return;
    }
    if (isObject(value) && (value.event === 'stdout' || value.event === 'stderr') && typeof value.data === 'string') {
      onOutput(value.event, value.data);
    } else {
      final = toAnswer(value, response.status);
    }
  };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(take);
  }
  take(pending);
  return final ?? { code: -1, message: 'the relay closed the answer without a result' };
}

/** Starts a job (10). @param {string} key @param {RunBody} body */
export function startJob(key, body) {
  return exchange('/v1/jobs', {
    method: 'POST',
    headers: headers(key, { 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
}

/** This key's jobs, newest first. @param {string} key */
export function listJobs(key) {
  return exchange('/v1/jobs', { headers: headers(key) });
}

/**
 * A job's record and its output from `offset`, waiting up to `wait` seconds for news.
 * @param {string} key @param {string} id @param {number} offset @param {number} wait @param {AbortSignal} signal
 */
export function readJob(key, id, offset, wait, signal) {
  const query = new URLSearchParams({ offset: String(offset), wait: String(wait) });
  return exchange(`/v1/jobs/${encodeURIComponent(id)}?${query}`, { headers: headers(key), signal });
}

/** @param {string} key @param {string} id */
export function cancelJob(key, id) {
  return exchange(`/v1/jobs/${encodeURIComponent(id)}`, { method: 'DELETE', headers: headers(key) });
}
