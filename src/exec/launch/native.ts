// The native launcher (SPEC 5.5): posix_spawn through the project's addon. The child gets its
// own session, default signal dispositions, an empty signal mask, only fds 0–2, the planned cwd
// and environment; a failure to exec comes back at once. The pipes are ordinary Node streams,
// so the rest of a run (caps, backpressure, kills) is the same code as with execa.
import { Socket } from 'node:net';
import { constants } from 'node:os';
import type { NativeAddon } from '../../native/addon.js';
import type { LaunchedCommand, Launcher, LeaderEnd } from './types.js';

// Signal numbers to names, built once.
const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, number]) => [number, name]));

function errnoName(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

// A readable Node stream over a pipe descriptor the addon handed over.
function readPipe(fd: number): Socket {
  return new Socket({ fd, readable: true, writable: false });
}

export function createNativeLauncher(addon: NativeAddon): Launcher {
  return {
    name: 'native',
    launch(plan): LaunchedCommand {
      const env: string[] = [];
      for (const name in plan.env) env.push(`${name}=${plan.env[name]}`);
      let exitListener: (() => void) | null = null;
      let ended = false;
      let settle: (end: LeaderEnd) => void = () => {};
      const result = new Promise<LeaderEnd>((resolve) => (settle = resolve));
      let fds: [number, number, number, number];
      try {
        fds = addon.spawn(plan.argv[0] ?? '', plan.argv, env, plan.cwd, plan.stdin !== null, (exitCode, signalNumber) => {
          settle({
            exitCode: exitCode >= 0 ? exitCode : null,
            signal: signalNumber === 0 ? null : (SIGNAL_NAMES.get(signalNumber) ?? `SIG${signalNumber}`),
            startErrorCode: undefined,
          });
          ended = true;
          exitListener?.();
        });
      } catch (error) {
        const code = errnoName(error);
        if (code === undefined) throw error; // the plan itself is unusable (a NUL byte)
        return { pid: undefined, stdout: null, stderr: null, onLeaderExit: () => {}, result: Promise.resolve({ exitCode: null, signal: null, startErrorCode: code }) };
      }
      const [pid, stdinFd, stdoutFd, stderrFd] = fds;
      if (stdinFd >= 0 && plan.stdin !== null) {
        const stdin = new Socket({ fd: stdinFd, readable: false, writable: true });
        stdin.on('error', () => {}); // a command that does not read its payload: EPIPE, as with execa
        stdin.end(plan.stdin);
      }
      return {
        pid,
        stdout: readPipe(stdoutFd),
        stderr: readPipe(stderrFd),
        onLeaderExit: (callback) => {
          if (ended) callback();
          else exitListener = callback;
        },
        result,
      };
    },
  };
}
