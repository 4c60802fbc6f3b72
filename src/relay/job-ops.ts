// Stage for the job ops (SPEC 10): `job`, `jobs`, `cancel`, and what a detached run becomes.
// A job is its starting key's only; every other id — unknown, expired, another key's, or not
// even shaped like an id — is the same 2006.
import type { CommandSpec } from '../config/index.js';
import { hashKey } from '../config/index.js';
import type { RunResult, StopSignal } from '../exec/index.js';
import { codes, RelayError, type RelayRequest, type RelayResponse } from '../protocol/index.js';
import type { RoadContext } from './context.js';
import { isJobId, MAX_WAIT_S, type JobEnd, type Jobs } from './jobs/index.js';
import { outcomeOfRun, type Outcome } from './respond.js';

// Who owns a job: the credential itself, hashed — not the label, which a SIGHUP may give to another key.
export function jobOwner(context: RoadContext): string {
  const signer = context.caller.signer;
  if (signer !== undefined) return `ed25519:${signer}`;
  return `sha256:${hashKey(context.request?.auth_key ?? '').toString('hex')}`;
}

export function commandName(command: CommandSpec): string {
  return `${command.cluster}::${command.name}`;
}

// How a run that ended becomes a job's final state and code.
export function jobEndOf(result: RunResult): JobEnd {
  const outcome = outcomeOfRun(result, true);
  const state: JobEnd['state'] =
    result.outcome === 'exited'
      ? 'exited'
      : result.outcome === 'timeout'
        ? 'timed_out'
        : result.outcome === 'output_cap'
          ? 'output_cap'
          : result.outcome === 'cancelled' || result.outcome === 'disconnected'
            ? 'cancelled'
            : 'failed';
  return { state, code: outcome.code, exitCode: result.exitCode, signal: result.signal, truncated: result.truncated };
}

type Answer = { outcome: Outcome; extra: Partial<RelayResponse> };

const ok = (message: string, extra: Partial<RelayResponse>): Answer => ({ outcome: { code: codes.OK.code, message, exit_code: null, signal: null }, extra });

// Answers op `jobs`, `job` or `cancel` for the authenticated key.
export async function answerJobOp(context: RoadContext, jobs: Jobs | null, request: RelayRequest, gone: StopSignal | null): Promise<Answer> {
  if (jobs === null) throw new RelayError('MALFORMED', 'this relay keeps no jobs');
  const owner = jobOwner(context);
  if (request.op === 'jobs') {
    const list = await jobs.list(owner);
    return ok(`${list.length} jobs`, { jobs: list });
  }
  const id = request.job_id;
  if (!isJobId(id)) throw new RelayError('UNKNOWN_JOB');
  if (request.op === 'cancel') {
    const cancelled = await jobs.cancel(id, owner);
    if (cancelled === null) throw new RelayError('UNKNOWN_JOB');
    return ok(cancelled.wasRunning ? 'Job cancelled' : 'Job already ended', { job: cancelled.job });
  }
  const waitMs = Math.round(Math.min(request.wait ?? 0, MAX_WAIT_S) * 1000);
  const read = await jobs.read(id, owner, request.offset ?? 0, waitMs, gone);
  if (read === null) throw new RelayError('UNKNOWN_JOB');
  return ok(`Job ${read.job.state}`, { job: read.job, output: read.output, next_offset: read.nextOffset, done: read.done });
}
