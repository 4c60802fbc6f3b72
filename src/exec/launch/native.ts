// The native launcher (SPEC 5.5): posix_spawn through the project's addon, on the event loop or
// a libuv worker thread (NativeSpawnThread). The child gets its own session, default signal
// dispositions, an empty signal mask, only fds 0–2, the planned cwd and environment; a failure
// to exec comes back as a start error.
// The addon reads stdout and stderr itself, on the event loop (no Node stream per pipe); the rest
// of a run (caps, backpressure, kills) is the same code as with execa.
import { Socket } from 'node:net';
import { constants } from 'node:os';
import type { NativeAddon, NativeChild, NativeExitCallback, NativeOutputCallback, NativeStartCallback } from '../../native/addon.js';
import type { OutputStream } from '../../protocol/types.js';
import type { LaunchedCommand, Launcher, LeaderEnd, OutputPipes } from './types.js';

// Signal numbers to names, built once.
const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, number]) => [number, name]));
const STREAMS: readonly OutputStream[] = ['stdout', 'stderr'];

function leaderEnd(exitCode: number, signalNumber: number): LeaderEnd {
  return {
    exitCode: exitCode >= 0 ? exitCode : null,
    signal: signalNumber === 0 ? null : (SIGNAL_NAMES.get(signalNumber) ?? `SIG${signalNumber}`),
    startErrorCode: undefined,
  };
}

// Writes the payload to the child's stdin pipe and closes it.
function feedStdin(fd: number, payload: string | Buffer): void {
  const stdin = new Socket({ fd, readable: false, writable: true });
  stdin.on('error', () => {}); // a command that does not read its payload: EPIPE, as with execa
  stdin.end(payload);
}

// Which thread calls posix_spawn, which waits until the child has exec'd (0.1-0.2 ms).
// 'loop-when-idle': the event loop, when no other command of this launcher is running, as libuv's
// uv_spawn always does (Node's child_process waits so, on every spawn); otherwise a libuv worker
// thread. On the loop there is no hop to a worker and back: measured at one client, that hop
// put the loop behind the new child on the same CPU, 0.12-0.15 ms off the median latency. When
// other commands run, the loop has their output and exits to handle, and a worker leaves it free.
// 'worker': always a worker thread (the tests run every guarantee on both).
export type NativeSpawnThread = 'loop-when-idle' | 'worker';

export function createNativeLauncher(addon: NativeAddon, spawnThread: NativeSpawnThread = 'loop-when-idle'): Launcher {
  let running = 0; // started (or being started) and not yet ended
  return {
    name: 'native',
    launch(plan) {
      let env = '';
      let envCount = 0;
      for (const name in plan.env) {
        env += `${name}=${plan.env[name]}\0`;
        envCount += 1;
      }
      // Set by read(): the addon reads no pipe before that.
      let onChunk: ((stream: OutputStream, chunk: Buffer) => void) | null = null;
      let onEnd: (() => void) | null = null;
      let openPipes = 2;
      let exitListener: (() => void) | null = null;
      let leader: LeaderEnd | null = null;
      let settle: (end: LeaderEnd) => void = () => {};
      const result = new Promise<LeaderEnd>((resolve) => (settle = resolve));

      return new Promise<LaunchedCommand>((resolve) => {
        let child: NativeChild; // set when launch() returns, before any reading
        // On the event loop, the addon calls this before launch() returns.
        const onStart: NativeStartCallback = (errorCode, pidOrMessage, stdinFd = -1) => {
          if (errorCode !== null) {
            running -= 1;
            const end: LeaderEnd = { exitCode: null, signal: null, startErrorCode: errorCode };
            resolve({ pid: undefined, output: null, onLeaderExit: () => {}, result: Promise.resolve(end) });
            return;
          }
          if (stdinFd >= 0 && plan.stdin !== null) feedStdin(stdinFd, plan.stdin);
          const output: OutputPipes = {
            read(chunkListener, endListener) {
              onChunk = chunkListener;
              onEnd = endListener;
              if (openPipes === 0) endListener();
              else addon.resumeOutput(child); // the addon reads nothing before this
            },
            pause: () => addon.pauseOutput(child),
            resume: () => addon.resumeOutput(child),
            close: () => addon.closeOutput(child),
          };
          resolve({
            pid: pidOrMessage as number,
            output,
            onLeaderExit: (callback) => {
              if (leader !== null) callback();
              else exitListener = callback;
            },
            result,
          });
        };
        const onOutput: NativeOutputCallback = (index, chunk) => {
          if (chunk !== null) return onChunk?.(STREAMS[index] as OutputStream, chunk);
          if (--openPipes === 0) onEnd?.();
        };
        const onExit: NativeExitCallback = (exitCode, signalNumber) => {
          running -= 1;
          leader = leaderEnd(exitCode, signalNumber);
          settle(leader);
          exitListener?.();
        };
        const onLoop = spawnThread === 'loop-when-idle' && running === 0;
        running += 1;
        try {
          child = addon.launch(plan.argv[0] ?? '', plan.argv, env, envCount, plan.cwd, plan.stdin !== null, onStart, onOutput, onExit, onLoop);
        } catch (error) {
          running -= 1; // nothing started: a NUL byte in the plan
          throw error;
        }
      });
    },
  };
}
