// Stage for the job ops (SPEC 10): `job`, `jobs`, `cancel`, and what a detached run becomes.
// A job is its starting key's only; every other id — unknown, expired, another key's, or not
// even shaped like an id — is the same 2006.
import type { CommandSpec } from '../config/index.js';
import type { RunResult, StopSignal } from '../exec/index.js';
import { RelayError, type Operation, type RoadRequest } from '../protocol/index.js';
import { isJobId, MAX_WAIT_S, type JobEnd, type Jobs } from './jobs/index.js';
import { outcomeOfRun, success, type Answer } from './respond.js';

export type JobOp = Extract<Operation, 'job' | 'jobs' | 'cancel'>;

export function isJobOp(op: Operation): op is JobOp {
  return op === 'job' || op === 'jobs' || op === 'cancel';
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

// Answers op `jobs`, `job` or `cancel` for the owner (auth/credentialOwner) of the credential.
export async function answerJobOp(jobs: Jobs | null, owner: string, request: RoadRequest, gone: StopSignal | null): Promise<Answer> {
  if (jobs === null) throw new RelayError('MALFORMED', 'this relay keeps no jobs');
  if (request.op === 'jobs') {
    const list = await jobs.list(owner);
    return success(`${list.length} jobs`, { jobs: list });
  }
  const id = request.job_id;
  if (!isJobId(id)) throw new RelayError('UNKNOWN_JOB');
  if (request.op === 'cancel') {
    const cancelled = await jobs.cancel(id, owner);
    if (cancelled === null) throw new RelayError('UNKNOWN_JOB');
    return success(cancelled.wasRunning ? 'Job cancelled' : 'Job already ended', { job: cancelled.job });
  }
  const waitMs = Math.round(Math.min(request.wait ?? 0, MAX_WAIT_S) * 1000);
  const read = await jobs.read(id, owner, request.offset ?? 0, waitMs, gone);
  if (read === null) throw new RelayError('UNKNOWN_JOB');
  return success(`Job ${read.job.state}`, { job: read.job, output: read.output, next_offset: read.nextOffset, done: read.done });
}
