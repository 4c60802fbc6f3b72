// One interface for the two ways a command is started (SPEC 5.5): `native` (posix_spawn through
// the project's addon) and `portable` (execa over child_process). Everything else of a run —
// caps, backpressure, streaming, timeouts, process-group kills — is the same code for both.
import type { OutputStream } from '../../protocol/types.js';
import type { RunPlan } from '../types.js';

export type LauncherName = 'native' | 'portable';

// How the group leader ended, or why it never started.
export interface LeaderEnd {
  exitCode: number | null; // null when a signal ended it, or it never started
  signal: string | null; // e.g. 'SIGTERM'
  startErrorCode: string | undefined; // errno name when it never started (pid undefined)
}

// The command's stdout and stderr pipes, as the run reads them.
export interface OutputPipes {
  // Starts reading: onChunk for each chunk, in the order read; onEnd once both pipes are closed
  // (at end of file, on a read error, or by close()).
  read(onChunk: (stream: OutputStream, chunk: Buffer) => void, onEnd: () => void): void;
  // Stop reading both pipes (the kernel pipe fills, and the command blocks on write), or go on.
  pause(): void;
  resume(): void;
  // Closes both pipes now: a process outside the group may still hold them open.
  close(): void;
}

export interface LaunchedCommand {
  pid: number | undefined; // undefined: it never started (see result.startErrorCode)
  output: OutputPipes | null; // null when it never started
  // Calls back once when the leader has exited (not when it never started), before `result`
  // may still wait for anything else.
  onLeaderExit(callback: () => void): void;
  // How the leader ended. Never rejects.
  readonly result: Promise<LeaderEnd>;
}

export interface Launcher {
  readonly name: LauncherName;
  // Starts the plan's argv in its own session and process group with exactly the plan's
  // environment and cwd. A failure to start is a LaunchedCommand without a pid; rejects only when
  // the plan itself is unusable (e.g. a NUL byte).
  launch(plan: RunPlan): Promise<LaunchedCommand>;
}
