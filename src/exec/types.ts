// What the exec layer is asked to run and what it reports back. It knows nothing of keys,
// clusters or sockets: the relay core prepares a RunPlan, exec runs it.
import type { OutputEvent } from '../protocol/types.js';
import type { StopSignal } from './stop-switch.js';

export type { StopSignal } from './stop-switch.js';

// Called for each chunk of output, in the order produced. Returning a promise pauses the
// command's pipes until it settles: that is how a slow reader slows the command (SPEC 2.3).
export type OutputListener = (event: OutputEvent) => void | Promise<void>;

// Where captured output is counted against the daemon-wide budget: take(n) is false when n
// more bytes do not fit (the run is then cut as at its cap).
export interface OutputAccount {
  take(bytes: number): boolean;
}
// Takes the raw bytes of stdout and stderr, interleaved as produced and within the cap, instead
// of the collector (a detached job spools them to a file). A promise pauses the pipes likewise.
export type OutputSink = (chunk: Buffer) => void | Promise<void>;

export interface RunPlan {
  argv: readonly string[]; // final argv, shell wrapper included; argv[0] is the program
  env: Readonly<Record<string, string>>; // the whole environment; nothing else leaks
  cwd: string;
  uid: number | null;
  gid: number | null;
  timeoutMs: number; // 0 = none
  maxOutput: number | null; // cap on captured stdout+stderr; null = not captured (streaming)
  outputAccount?: OutputAccount | null; // the daemon-wide budget captured output counts against
  stdin: Buffer | null; // null = /dev/null
  onOutput: OutputListener | null; // stream mode
  clientGone: StopSignal | null; // aborted by the door when the client disappears
  killOnDisconnect: boolean;
  cancel: StopSignal | null; // aborted at shutdown: kill, outcome `cancelled`
  outputSink?: OutputSink | null; // raw output goes there and nothing is kept (jobs, SPEC 10)
  onSpawn?: ((pid: number) => void) | null; // told the leader's pid (= its group id) once started
}

export type RunOutcome =
  | 'exited' // ended by itself with an exit code
  | 'signaled' // ended by a signal the daemon did not send
  | 'timeout'
  | 'output_cap'
  | 'cancelled'
  | 'disconnected' // killed because the client went away (on_disconnect = kill)
  | 'start_failed';

export interface RunResult {
  outcome: RunOutcome;
  exitCode: number | null;
  signal: string | null;
  stdout: string; // captured, decoded as UTF-8 (U+FFFD for invalid bytes); '' when streaming
  stderr: string;
  truncated: boolean;
  startError: string | null; // why it could not start (outcome start_failed)
  durationMs: number;
}

// Who asked and for what, as the command's environment shows it (SPEC 5.1).
export interface RunMeta {
  requestId: string;
  keyLabel: string;
  cluster: string;
  command: string;
  remoteAddress: string;
  remotePort: number;
}

// What the relay core knows about one request once it has passed policy; prepareRun turns it
// and the command's configuration into a RunPlan.
export interface PrepareInput {
  args: readonly string[]; // the client's arguments, already checked against the policy
  payload: Buffer | null; // decoded, size and mode already checked
  stream: boolean;
  requestTimeoutMs: number | null; // the request's `timeout`; may only lower the command's
  meta: RunMeta;
  onOutput: OutputListener | null;
  clientGone: StopSignal | null;
  cancel: StopSignal | null;
  outputAccount?: OutputAccount | null;
  outputSink?: OutputSink | null;
  onSpawn?: ((pid: number) => void) | null;
}

export interface PreparedRun {
  plan: RunPlan;
  // Removes what preparing created (the payload file). Call it once the run is over, whatever
  // its outcome; calling it again does nothing.
  cleanup(): Promise<void>;
}
