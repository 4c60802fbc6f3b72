// A job's record on disk: what clients see (JobView) plus what only the daemon needs — the owner
// key's identity and the process it runs as, to find and kill it after a crash.
import type { JobState, JobView } from '../../protocol/index.js';
import { isJobId } from './job-id.js';

export interface JobRecord extends JobView {
  // Who may see the job: `sha256:<hex>` of the key, or `ed25519:<public key>` of a fleet signer.
  // The label alone is not enough: after a SIGHUP another key may carry the same label.
  owner: string;
  pid: number | null; // the leader's pid = the process group id; null until started
  pid_start: string | null; // /proc/<pid>/stat field 22 at spawn, to tell a recycled pid apart
}

const STATES: readonly JobState[] = ['running', 'exited', 'failed', 'timed_out', 'output_cap', 'cancelled', 'lost'];

// The client's view: the record without owner and process details.
export function viewOf(record: JobRecord): JobView {
  const { owner: _owner, pid: _pid, pid_start: _pidStart, ...view } = record;
  return view;
}

// A record read back from disk, checked field by field (the file could be damaged or foreign).
export function parseRecord(text: string): JobRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const r = value;
  const str = (name: string): string | null => {
    const field = r[name];
    return typeof field === 'string' ? field : null;
  };
  const strOrNull = (name: string): boolean => r[name] === null || typeof r[name] === 'string';
  const intOrNull = (name: string): boolean => r[name] === null || Number.isInteger(r[name]);
  const state = STATES.find((candidate) => candidate === r.state);
  const args = r.args;
  if (
    !isJobId(r.job_id) ||
    str('key') === null ||
    str('command') === null ||
    str('owner') === null ||
    str('started_at') === null ||
    state === undefined ||
    !Array.isArray(args) ||
    !args.every((arg) => typeof arg === 'string') ||
    !intOrNull('code') ||
    !intOrNull('exit_code') ||
    !strOrNull('signal') ||
    !strOrNull('ended_at') ||
    !Number.isInteger(r.output_bytes) ||
    typeof r.truncated !== 'boolean' ||
    !intOrNull('pid') ||
    !strOrNull('pid_start')
  ) {
    return null;
  }
  return {
    job_id: r.job_id,
    key: String(r.key),
    command: String(r.command),
    args: args.map(String),
    state,
    code: typeof r.code === 'number' ? r.code : null,
    exit_code: typeof r.exit_code === 'number' ? r.exit_code : null,
    signal: typeof r.signal === 'string' ? r.signal : null,
    started_at: String(r.started_at),
    ended_at: typeof r.ended_at === 'string' ? r.ended_at : null,
    output_bytes: Number(r.output_bytes),
    truncated: r.truncated,
    owner: String(r.owner),
    pid: typeof r.pid === 'number' ? r.pid : null,
    pid_start: typeof r.pid_start === 'string' ? r.pid_start : null,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
