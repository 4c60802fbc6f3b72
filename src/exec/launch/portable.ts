// The portable launcher: the command started with execa. Only what execa does well is left to it (spawning, feeding
// stdin, reporting how the leader ended); every limit and every kill is ours, because execa
// signals only the leader and the whole process group has to go (SPEC 5.1).
// Always available, and the only launcher that can start a command as another user or group.
import type { Readable } from 'node:stream';
import type * as Execa from 'execa';
import { finished } from 'node:stream/promises';
import type { OutputStream } from '../../protocol/types.js';
import type { RunPlan } from '../types.js';
import type { LaunchedCommand, Launcher, LeaderEnd, OutputPipes } from './types.js';

// execa, loaded the first time a command starts portable: a daemon on the native launcher that
// never runs a `user`/`group` command does not carry it.
let execaModule: Promise<typeof Execa> | null = null;

// Starts the plan's argv in its own process group, with exactly the plan's environment.
function spawnCommand(execa: typeof Execa.execa, plan: RunPlan) {
  const [file = '', ...args] = plan.argv;
  return execa(file, args, {
    detached: true, // setsid(): own session and process group, pgid = pid
    extendEnv: false,
    env: plan.env,
    cwd: plan.cwd,
    ...(plan.uid === null ? {} : { uid: plan.uid }),
    ...(plan.gid === null ? {} : { gid: plan.gid }),
    shell: false,
    // /dev/null, or a pipe that gets the payload and is then closed (SPEC 5.4).
    ...(plan.stdin === null ? { stdin: 'ignore' as const } : { input: plan.stdin }),
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false, // we read the pipes ourselves, with the cap and backpressure
    reject: false,
    encoding: 'buffer',
    stripFinalNewline: false,
    cleanup: false, // the daemon's shutdown decides about running commands, not the end of the process
    preferLocal: false,
    windowsHide: true,
  });
}

// Node streams as the run's OutputPipes. The 'data' listeners are attached at once, before
// execa's next tick could start the streams flowing; a chunk that comes before read() waits.
function streamPipes(stdout: Readable, stderr: Readable): OutputPipes {
  const pipes: [OutputStream, Readable][] = [
    ['stdout', stdout],
    ['stderr', stderr],
  ];
  let early: [OutputStream, Buffer][] | null = [];
  let onChunk: (stream: OutputStream, chunk: Buffer) => void = (stream, chunk) => early?.push([stream, chunk]);
  for (const [name, pipe] of pipes) {
    // execa reports pipe failures in its result; this only keeps a late one from going unhandled.
    pipe.on('error', ignore);
    pipe.on('data', (chunk: Buffer) => onChunk(name, chunk));
  }
  return {
    read(chunkListener, onEnd) {
      for (const [name, chunk] of early ?? []) chunkListener(name, chunk);
      early = null;
      onChunk = chunkListener;
      void Promise.all(pipes.map(([, pipe]) => finished(pipe).catch(ignore))).then(onEnd);
    },
    pause: () => pipes.forEach(([, pipe]) => pipe.pause()),
    resume: () => pipes.forEach(([, pipe]) => pipe.destroyed || pipe.resume()),
    close: () => pipes.forEach(([, pipe]) => pipe.destroy()),
  };
}

function ignore(): void {}

export const portableLauncher: Launcher = {
  name: 'portable',
  async launch(plan) {
    const { execa } = await (execaModule ??= import('execa'));
    const subprocess = spawnCommand(execa, plan); // throws for a plan execa refuses
    const pid = subprocess.pid;
    const result: Promise<LeaderEnd> = subprocess.then((end) => ({
      exitCode: end.exitCode ?? null,
      signal: end.signal ?? null,
      startErrorCode: pid === undefined ? end.code : undefined,
    }));
    const launched: LaunchedCommand = {
      pid,
      output: streamPipes(subprocess.stdout, subprocess.stderr),
      onLeaderExit: (callback) => void subprocess.once('exit', () => callback()),
      result,
    };
    return launched;
  },
};
