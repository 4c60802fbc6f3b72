// @ts-check
// Jobs (SPEC 10): the list of this key's jobs, and one job followed live by long-polling its
// output offsets. The followed job's id is kept in the tab so that reopening the page resumes.
import { cancelJob, isObject, listJobs, readJob, RELAY_CODES } from './api.js';
import { byId, el, OutputLog } from './dom.js';
import { formatDuration, formatTime } from './format.js';

/**
 * @typedef {object} JobView
 * @property {string} job_id
 * @property {string} command
 * @property {string[]} args
 * @property {string} state
 * @property {number | null} code
 * @property {number | null} exit_code
 * @property {string | null} signal
 * @property {string} started_at
 * @property {string | null} ended_at
 * @property {boolean} truncated
 */

/**
 * @typedef {object} JobsContext
 * @property {() => string} key
 * @property {(answer: import('./api.js').RelayAnswer) => void} onUnauthorized
 */

const FOLLOWED = 'uscmdrelay.followed-job';
const WAIT_S = 25;

/** @param {unknown} value @returns {value is JobView} */
function isJob(value) {
  return isObject(value) && typeof value.job_id === 'string' && typeof value.command === 'string' && typeof value.state === 'string';
}

/** What a job's end says: state, exit status, code, duration. @param {JobView} job */
export function describeJob(job) {
  const parts = [job.state];
  if (job.exit_code !== null) parts.push(`exit ${job.exit_code}`);
  if (job.signal !== null) parts.push(`signal ${job.signal}`);
  if (job.code !== null) parts.push(`code ${job.code}`);
  if (job.ended_at !== null) {
    const ms = Date.parse(job.ended_at) - Date.parse(job.started_at);
    if (Number.isFinite(ms) && ms >= 0) parts.push(formatDuration(ms));
  }
  if (job.truncated) parts.push('output truncated');
  return parts.join(' · ');
}

/** running, ok or failed: how a job's state is coloured. @param {JobView} job */
function tone(job) {
  if (job.state === 'running') return 'running';
  return job.state === 'exited' && job.code === RELAY_CODES.OK ? 'ok' : 'failed';
}

/** @param {JobsContext} context */
export function createJobs(context) {
  const list = byId('job-list', HTMLUListElement);
  const status = byId('jobs-status', HTMLParagraphElement);
  const view = byId('job-view', HTMLDivElement);
  /** @type {AbortController | null} */
  let following = null;

  let refreshes = 0;

  async function refresh() {
    const mine = ++refreshes;
    status.textContent = 'loading…';
    const answer = await listJobs(context.key());
    if (mine !== refreshes) return; // a later refresh is under way: its answer is newer
    if (answer.code === RELAY_CODES.AUTH_FAILED) return context.onUnauthorized(answer);
    if (answer.code !== RELAY_CODES.OK) {
      status.textContent = `code ${answer.code}: ${answer.message}`;
      return;
    }
    const jobs = Array.isArray(answer.jobs) ? answer.jobs.filter(isJob) : [];
    status.textContent = jobs.length === 0 ? 'No jobs yet.' : `${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'}, newest first`;
    list.replaceChildren(...jobs.map((job) => {
      const follow = el('button', { type: 'button', class: 'secondary', 'aria-label': `Follow ${job.command} (${job.job_id})` }, ['Follow']);
      follow.addEventListener('click', () => void follow_(job.job_id, true));
      return el('li', { class: 'job', 'data-job': job.job_id }, [
        el('code', { class: 'name' }, [job.command]),
        el('span', { class: `state ${tone(job)}` }, [describeJob(job)]),
        el('span', { class: 'muted' }, [formatTime(job.started_at)]),
        follow,
      ]);
    }));
  }

  function stop() {
    following?.abort();
    following = null;
  }

  /** @param {string} id @param {boolean} focus */
  async function follow_(id, focus) {
    stop();
    const controller = new AbortController();
    following = controller;
    sessionStorage.setItem(FOLLOWED, id);

    const title = el('h3', { tabindex: '-1' }, ['Job ', el('code', {}, [id])]);
    const command = el('p', { class: 'muted' });
    const state = el('p', { class: 'outcome running', role: 'status' }, ['loading']);
    const cancel = el('button', { type: 'button', hidden: true }, ['Cancel']);
    const close = el('button', { type: 'button', class: 'secondary' }, ['Close']);
    const pre = el('pre', { class: 'output', tabindex: '0', 'aria-label': `Output of job ${id}` });
    const log = new OutputLog(pre);
    view.replaceChildren(title, command, state, el('div', { class: 'row' }, [cancel, close]), pre);
    view.hidden = false;
    if (focus) title.focus();

    close.addEventListener('click', () => {
      stop();
      sessionStorage.removeItem(FOLLOWED);
      view.hidden = true;
      view.replaceChildren();
    });
    const cancelClicked = async () => {
      cancel.disabled = true;
      const answer = await cancelJob(context.key(), id);
      if (answer.code === RELAY_CODES.AUTH_FAILED) return context.onUnauthorized(answer);
      if (answer.code !== RELAY_CODES.OK) state.textContent = `code ${answer.code}: ${answer.message}`;
      // The follower sees the end and says it; the button stays off.
    };
    cancel.addEventListener('click', () => void cancelClicked());

    let offset = 0;
    while (!controller.signal.aborted) {
      let answer;
      try {
        answer = await readJob(context.key(), id, offset, WAIT_S, controller.signal);
      } catch {
        return; // aborted: another job is followed, or the user signed out
      }
      if (controller.signal.aborted) return;
      if (answer.code === RELAY_CODES.AUTH_FAILED) return context.onUnauthorized(answer);
      if (answer.code !== RELAY_CODES.OK || !isJob(answer.job)) {
        state.className = 'outcome refused';
        state.textContent = `code ${answer.code}: ${answer.message}`;
        cancel.hidden = true;
        if (answer.code === RELAY_CODES.UNKNOWN_JOB) sessionStorage.removeItem(FOLLOWED);
        return;
      }
      const job = answer.job;
      command.textContent = [job.command, ...job.args].join(' ') + ` · started ${formatTime(job.started_at)}`;
      if (typeof answer.output === 'string') log.append('combined', answer.output);
      if (typeof answer.next_offset === 'number') offset = answer.next_offset;
      cancel.hidden = job.state !== 'running';
      state.className = `outcome ${tone(job)}`;
      state.textContent = describeJob(job);
      if (answer.done === true) {
        void refresh();
        return;
      }
    }
  }

  byId('jobs-refresh', HTMLButtonElement).addEventListener('click', () => void refresh());

  return {
    refresh,
    /** @param {string} id */
    follow: (id) => follow_(id, true),
    // After a reload: pick up the job this tab was following.
    resume() {
      const id = sessionStorage.getItem(FOLLOWED);
      if (id !== null) void follow_(id, false);
    },
    reset() {
      stop();
      view.hidden = true;
      view.replaceChildren();
      list.replaceChildren();
      status.textContent = '';
    },
  };
}
