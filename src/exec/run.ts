// One run of a command, from spawn to the last byte of output: limits, kills and the outcome.
import { killProcessGroup } from './kill-group.js';
import { autoLauncher, launcherFor, type LaunchedCommand, type Launcher } from './launch/index.js';
import { createOutputCollector } from './output-collect.js';
import { readOutput } from './output-reader.js';
import { describeStartError } from './start-error.js';
import { setLongTimeout } from '../timers/index.js';
import type { StopSignal } from './stop-switch.js';
import type { OutputListener, RunOutcome, RunPlan, RunResult } from './types.js';

// Why the daemon ended a command; null while the command is left to end by itself.
type StopReason = Extract<RunOutcome, 'timeout' | 'output_cap' | 'cancelled' | 'disconnected'>;

// After the group is gone, how long a pipe still held by an escaped process may stay silent,
// and how long it may stay open at most: what the group wrote drains in far less.
const ESCAPED_PIPE_IDLE_MS = 200;
const ESCAPED_PIPE_MAX_MS = 1_000;

// Once the daemon has ended a command and its group is gone, how long a stream client that does
// not read may still hold back the rest of the output before it is dropped.
const STOPPED_OUTPUT_WAIT_MS = 5_000;

// Runs a plan and reports how it ended. Never throws: a failure to start is an outcome too.
// `launcher` is what `--spawn` resolved to (default: auto); a plan with a user or group always
// starts portable.
export async function runCommand(plan: RunPlan, launcher?: Launcher): Promise<RunResult> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const early = plan.cancel?.aborted ? 'cancelled' : plan.killOnDisconnect && plan.clientGone?.aborted ? 'disconnected' : null;
  if (early !== null) return notRun(early, null, elapsed());

  let subprocess: LaunchedCommand;
  try {
    subprocess = await launcherFor(plan, launcher ?? autoLauncher()).launch(plan);
  } catch (error) {
    // A plan the launcher refuses (execa's option checks, a NUL byte) never started.
    return notRun('start_failed', error instanceof Error ? error.message : String(error), elapsed());
  }
  const pgid = subprocess.pid;
  if (pgid !== undefined) plan.onSpawn?.(pgid);

  let reason: StopReason | null = null;
  let leaderExited = false;
  // Set from callbacks: typed by a cast, so the compiler does not narrow it to null.
  let killing = null as Promise<void> | null;
  let finished = false;
  let abandonTimer: NodeJS.Timeout | null = null;
  const gate = gateListener(plan.onOutput);
  const killGroup = (): Promise<void> => (killing ??= pgid === undefined ? Promise.resolve() : killProcessGroup(pgid));
  const stop = (why: StopReason): void => {
    // Once the leader is gone its exit decides the outcome; only a cut output still counts.
    if (reason !== null || (leaderExited && why !== 'output_cap')) return;
    reason = why;
    void killGroup().then(() => {
      if (!finished) abandonTimer = setTimeout(gate.abandon, STOPPED_OUTPUT_WAIT_MS);
    });
  };

  const collector = createOutputCollector(plan.maxOutput, gate.listener, () => stop('output_cap'), plan.outputAccount ?? null, plan.outputSink ?? null);
  const reader = readOutput(subprocess.output, (stream, chunk) => collector.push(stream, chunk));
  // No orphan outlives its request: whatever the leader leaves in its group is killed too.
  subprocess.onLeaderExit(() => {
    leaderExited = true;
    void killGroup().then(() => reader.closeWhenIdle(ESCAPED_PIPE_IDLE_MS, ESCAPED_PIPE_MAX_MS));
  });
  const disarm = [
    armTimeout(plan.timeoutMs, () => stop('timeout')),
    onAbort(plan.cancel, () => stop('cancelled')),
    plan.killOnDisconnect ? onAbort(plan.clientGone, () => stop('disconnected')) : () => {},
  ];

  try {
    const [result] = await Promise.all([subprocess.result, reader.done]);
    await killing;
    const output = await collector.finish();
    if (pgid === undefined) {
      const why = await describeStartError(result.startErrorCode, plan.argv[0] ?? '', plan.cwd);
      return { ...notRun('start_failed', why, elapsed()), stdout: output.stdout, stderr: output.stderr };
    }
    const signal = result.signal;
    const outcome: RunOutcome = reason ?? (signal !== null ? 'signaled' : 'exited');
    return {
      outcome,
      exitCode: result.exitCode,
      signal,
      stdout: output.stdout,
      stderr: output.stderr,
      truncated: output.truncated,
      startError: null,
      durationMs: elapsed(),
    };
  } finally {
    finished = true;
    if (abandonTimer !== null) clearTimeout(abandonTimer);
    for (const undo of disarm) undo();
  }
}

// The result of a command that never ran.
function notRun(outcome: RunOutcome, startError: string | null, durationMs: number): RunResult {
  return { outcome, exitCode: null, signal: null, stdout: '', stderr: '', truncated: false, startError, durationMs };
}

// Cancellation at shutdown and the client going away both arrive as StopSignals from outside
// (an AbortSignal is one too).

// Calls onAbort once when the signal aborts (at once if it already has); returns a function
// that stops listening, so a long-lived signal does not collect listeners from finished runs.
function onAbort(signal: StopSignal | null, onAborted: () => void): () => void {
  if (signal === null) return () => {};
  if (signal.aborted) {
    onAborted();
    return () => {};
  }
  signal.addEventListener('abort', onAborted, { once: true });
  return () => signal.removeEventListener('abort', onAborted);
}

// The command's time limit (`timeout`, SPEC 5.2). execa's own `timeout` option is not used: it
// would kill only the group leader, and the whole group has to go.

// Calls onTimeout once timeoutMs have passed (0 = no limit); returns a function that disarms it.
// Any length is honoured: past Node's 24.8-day timer range the wait is chained, not cut short.
export function armTimeout(timeoutMs: number, onTimeout: () => void): () => void {
  if (timeoutMs <= 0 || !Number.isFinite(timeoutMs)) return () => {};
  return setLongTimeout(onTimeout, timeoutMs);
}

// A stream client that stops reading keeps the command's pipes paused (SPEC 2.3). Once the
// daemon has ended the command, that client must not keep the run, its concurrency slot and
// its answer open for ever: the gate lets the run stop waiting for it.

interface ListenerGate {
  listener: OutputListener | null;
  // From now on events are dropped, and a wait for the listener already under way ends at once.
  abandon: () => void;
}

// Wraps the door's listener so that waiting for it can be abandoned.
function gateListener(listener: OutputListener | null): ListenerGate {
  if (listener === null) return { listener: null, abandon: () => {} };
  let abandoned = false;
  let release = (): void => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    listener: (event) => {
      if (abandoned) return;
      const returned = listener(event);
      return returned instanceof Promise ? Promise.race([returned, released]) : returned;
    },
    abandon: () => {
      abandoned = true;
      release();
    },
  };
}
