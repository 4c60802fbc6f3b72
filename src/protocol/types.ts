// The wire shapes of SPEC 2 a client gets back: responses, listings, jobs and streamed events.

// The request's types live with its schema and parser in request.ts.

export interface ListedCommand {
  command: string;
  description: string;
  // The argument and payload rules (5.2), for people choosing what to send (the web console).
  args?: { min: number; max: number | null };
  arg_pattern?: string; // each argument must match it whole
  payload?: 'none' | 'stdin' | 'file';
  max_payload?: number; // bytes, when payload is not none
}

// A job's record as clients see it (SPEC 10).
export type JobState = 'running' | 'exited' | 'failed' | 'timed_out' | 'output_cap' | 'cancelled' | 'lost';

export interface JobView {
  job_id: string;
  key: string; // label of the key that started it
  command: string; // cluster::name
  args: string[]; // masked per logmask
  state: JobState;
  code: number | null; // the 2.4 code the run would have answered; null while running
  exit_code: number | null;
  signal: string | null;
  started_at: string; // ISO 8601
  ended_at: string | null;
  output_bytes: number;
  truncated: boolean;
}

export interface RelayResponse {
  status: 'ok' | 'error';
  message: string;
  code: number;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number;
  request_id: string;
  id?: string | number;
  truncated?: true;
  commands?: ListedCommand[];
  job_id?: string; // detach: the job started
  job?: JobView; // op job, op cancel
  jobs?: JobView[]; // op jobs, newest first
  output?: string; // op job: output from `offset`, whole UTF-8 characters
  next_offset?: number; // op job: where the next read starts
  done?: boolean; // op job: the job has ended and every byte of its output was given
}

export type OutputStream = 'stdout' | 'stderr';

export interface OutputEvent {
  event: OutputStream;
  data: string;
}
