// One interface for the two ways a command is started (SPEC 5.5): `native` (posix_spawn through
// the project's addon) and `portable` (execa over child_process). Everything else of a run —
// caps, backpressure, streaming, timeouts, process-group kills — is the same code for both.
import type { Readable } from 'node:stream';
import type { RunPlan } from '../types.js';

export type LauncherName = 'native' | 'portable';

// How the group leader ended, or why it never started.
export interface LeaderEnd {
  exitCode: number | null; // null when a signal ended it, or it never started
  signal: string | null; // e.g. 'SIGTERM'
  startErrorCode: string | undefined; // errno name when it never started (pid undefined)
}

export interface LaunchedCommand {
  pid: number | undefined; // undefined: it never started (see result.startErrorCode)
  stdout: Readable | null;
  stderr: Readable | null;
  // Calls back once when the leader has exited (not when it never started), before `result`
  // may still wait for anything else.
  onLeaderExit(callback: () => void): void;
  // How the leader ended. Never rejects.
  readonly result: Promise<LeaderEnd>;
}

export interface Launcher {
  readonly name: LauncherName;
  // Starts the plan's argv in its own session and process group with exactly the plan's
  // environment and cwd. Throws only when the plan itself is unusable (e.g. a NUL byte).
  launch(plan: RunPlan): LaunchedCommand;
}
