// @ts-check
// The commands a key may run, each with its rules and a form to run it or start it as a job.
import { RELAY_CODES, runStreaming, startJob } from './api.js';
import { el, OutputLog } from './dom.js';
import { describeOutcome, describeRules } from './format.js';

/** @typedef {import('./api.js').ListedCommand} ListedCommand */
/** @typedef {import('./api.js').RunBody} RunBody */

/**
 * @typedef {object} CommandsContext
 * @property {() => string} key
 * @property {(answer: import('./api.js').RelayAnswer) => void} onUnauthorized
 * @property {(jobId: string) => void} onJobStarted
 */

let serial = 0;

/** Arguments typed one per line; a blank last line is no argument. @param {string} text */
function parseArguments(text) {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** @param {ArrayBuffer} buffer */
function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

/**
 * One command: its name as text, description, rules, and the run form.
 * @param {ListedCommand} command @param {CommandsContext} context
 */
export function renderCommand(command, context) {
  const id = `c${++serial}`;
  const takesArgs = command.args?.max !== 0;
  const takesPayload = command.payload === 'stdin' || command.payload === 'file';

  const argsField = el('textarea', { id: `${id}-args`, rows: '2', spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': `${id}-rules` });
  const payloadField = el('textarea', { id: `${id}-payload`, rows: '3', spellcheck: 'false', autocapitalize: 'off' });
  const fileField = el('input', { id: `${id}-file`, type: 'file' });
  const runButton = el('button', { type: 'submit' }, ['Run']);
  const jobButton = el('button', { type: 'button', class: 'secondary' }, ['Start as job']);
  const stopButton = el('button', { type: 'button', class: 'secondary', hidden: true }, ['Stop watching']);
  const outcome = el('p', { class: 'outcome', role: 'status' });
  const detail = el('p', { class: 'detail' });
  const pre = el('pre', { class: 'output', tabindex: '0', 'aria-label': `Output of ${command.command}`, hidden: true });
  const log = new OutputLog(pre);
  /** @type {AbortController | null} */
  let running = null;

  /** @returns {Promise<RunBody>} */
  async function body() {
    /** @type {RunBody} */
    const request = { command: command.command, arguments: takesArgs ? parseArguments(argsField.value) : [] };
    if (!takesPayload) return request;
    const file = fileField.files?.[0];
    if (file !== undefined) return { ...request, payload: toBase64(await file.arrayBuffer()), payload_encoding: 'base64' };
    if (payloadField.value !== '') request.payload = payloadField.value;
    return request;
  }

  /** @param {string} kind @param {string} text @param {string} [more] */
  function say(kind, text, more = '') {
    outcome.className = `outcome ${kind}`;
    outcome.textContent = text;
    detail.textContent = more;
  }

  async function run() {
    if (running !== null) return;
    running = new AbortController();
    runButton.disabled = true;
    jobButton.disabled = true;
    stopButton.hidden = false;
    log.clear();
    pre.hidden = false;
    say('running', 'running');
    try {
      const answer = await runStreaming(context.key(), await body(), (stream, data) => log.append(stream, data), running.signal);
      if (answer.code === RELAY_CODES.AUTH_FAILED) context.onUnauthorized(answer);
      const result = describeOutcome(answer);
      say(result.kind, result.text, result.detail);
      if (log.length === 0) pre.hidden = true;
    } catch (error) {
      if (running.signal.aborted) say('failed', 'stopped watching', 'the command may still be running on the relay');
      else say('failed', 'failed', error instanceof Error ? error.message : String(error));
    } finally {
      running = null;
      runButton.disabled = false;
      jobButton.disabled = false;
      stopButton.hidden = true;
    }
  }

  async function startAsJob() {
    jobButton.disabled = true;
    say('running', 'starting a job');
    try {
      const answer = await startJob(context.key(), await body());
      if (answer.code === RELAY_CODES.AUTH_FAILED) context.onUnauthorized(answer);
      if (answer.code === RELAY_CODES.OK && typeof answer.job_id === 'string') {
        say('ok', `job ${answer.job_id} started`);
        context.onJobStarted(answer.job_id);
      } else {
        say('refused', `not started · code ${answer.code}`, answer.message);
      }
    } finally {
      jobButton.disabled = false;
    }
  }

  const form = el('form', { class: 'run', method: 'post', 'aria-label': `Run ${command.command}` }, [
    takesArgs && el('label', { for: argsField.id }, ['Arguments, one per line']),
    takesArgs && argsField,
    takesPayload && el('label', { for: payloadField.id }, ['Payload']),
    takesPayload && payloadField,
    takesPayload && el('label', { for: fileField.id }, ['or payload from a file']),
    takesPayload && fileField,
    el('div', { class: 'row' }, [runButton, jobButton, stopButton]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  jobButton.addEventListener('click', () => void startAsJob());
  stopButton.addEventListener('click', () => running?.abort());
  // Ctrl/Cmd+Enter in a text box runs, as in most consoles.
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run();
    }
  });

  const rules = el('ul', { id: `${id}-rules`, class: 'rules' }, describeRules(command).map((rule) => el('li', {}, [rule])));
  return el('li', { class: 'command', 'data-command': command.command }, [
    el('details', {}, [
      el('summary', {}, [
        el('code', { class: 'name' }, [command.command]),
        command.description !== '' && el('span', { class: 'description' }, [command.description]),
      ]),
      el('div', { class: 'body' }, [rules, form, outcome, detail, pre]),
    ]),
  ]);
}
