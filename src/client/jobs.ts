// Detached jobs from the client's side (SPEC 10): start one, read its record and output by
// offset, follow it to its end, list this key's jobs, cancel one.
import { codes, type JobView, type RelayResponse } from '../protocol/index.js';
import { call } from './call.js';
import { exchangeOnce } from './exchange.js';
import type { CallOptions, ConnectionOptions, WireRequest } from './types.js';

export interface JobOptions extends ConnectionOptions {
  jobId: string;
}

export interface JobReadOptions extends JobOptions {
  offset?: number; // byte offset into the output; default 0
  wait?: number; // seconds (≤ 60) the relay holds the answer for new output; default 0
}

// What followJob yields: output as it comes, then the last answer (its `job` is the final record).
// `raw` is the answer line as the relay wrote it (for --json), given once: an output event that
// comes with the result has null, the result carries the line.
export type JobFollowEvent = { event: 'output'; data: string; raw: string | null } | { event: 'result'; response: RelayResponse; raw: string };

// The longest a relay holds one answer (SPEC 10).
const MAX_JOB_WAIT_S = 60;

// Starts the command as a job: the response's `job_id` names it (code 0, "Job started").
export function startJob(options: CallOptions): Promise<RelayResponse> {
  return call({ ...options, detach: true });
}

function jobRequest(options: JobReadOptions): WireRequest {
  const request: WireRequest = { auth_key: options.key, op: 'job', job_id: options.jobId };
  if (options.offset !== undefined && options.offset > 0) request.offset = options.offset;
  if (options.wait !== undefined && options.wait > 0) request.wait = Math.min(options.wait, MAX_JOB_WAIT_S);
  return request;
}

// The job's record (`job`), its output from `offset` (`output`, `next_offset`) and `done`.
export async function getJob(options: JobReadOptions): Promise<RelayResponse> {
  return (await exchangeOnce(options, jobRequest(options))).message;
}

// This key's jobs, newest first (`jobs`).
export async function listJobs(options: ConnectionOptions): Promise<RelayResponse> {
  return (await exchangeOnce(options, { auth_key: options.key, op: 'jobs' })).message;
}

// Cancels a running job (its process group is killed); `job` is the final record.
export async function cancelJob(options: JobOptions): Promise<RelayResponse> {
  return (await exchangeOnce(options, { auth_key: options.key, op: 'cancel', job_id: options.jobId })).message;
}

// Reads the output from `offset` as it comes, long-polling, until the job has ended and every
// byte was given; ends with the last answer. A refusal (2006, 1000, …) ends it at once.
export async function* followJob(options: JobReadOptions): AsyncGenerator<JobFollowEvent> {
  let offset = options.offset ?? 0;
  for (;;) {
    const { raw, message } = await exchangeOnce(options, jobRequest({ ...options, offset, wait: options.wait ?? MAX_JOB_WAIT_S }));
    if (message.code !== codes.OK.code || message.done === true || typeof message.next_offset !== 'number') {
      if (typeof message.output === 'string' && message.output !== '') yield { event: 'output', data: message.output, raw: null };
      yield { event: 'result', response: message, raw };
      return;
    }
    if (typeof message.output === 'string' && message.output !== '') yield { event: 'output', data: message.output, raw };
    offset = message.next_offset;
  }
}

// The status a followed job's end gives (as `call` would for the same run): from the record.
export function jobOutcome(job: JobView): Pick<RelayResponse, 'code' | 'exit_code' | 'signal'> {
  return { code: job.code ?? codes.OK.code, exit_code: job.exit_code, signal: job.signal };
}
