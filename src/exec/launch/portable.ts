// The portable launcher: the command started with execa. Only what execa does well is left to it (spawning, feeding
// stdin, reporting how the leader ended); every limit and every kill is ours, because execa
// signals only the leader and the whole process group has to go (SPEC 5.1).
// Always available, and the only launcher that can start a command as another user or group.
import { execa } from 'execa';
import type { RunPlan } from '../types.js';
import type { LaunchedCommand, Launcher, LeaderEnd } from './types.js';

// Starts the plan's argv in its own process group, with exactly the plan's environment.
export function spawnCommand(plan: RunPlan) {
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
    cleanup: false, // the daemon's shutdown decides about running commands, not process exit
    preferLocal: false,
    windowsHide: true,
  });
}

export const portableLauncher: Launcher = {
  name: 'portable',
  launch(plan): LaunchedCommand {
    const subprocess = spawnCommand(plan);
    const pid = subprocess.pid;
    const result: Promise<LeaderEnd> = subprocess.then((end) => ({
      exitCode: end.exitCode ?? null,
      signal: end.signal ?? null,
      startErrorCode: pid === undefined ? end.code : undefined,
    }));
    return {
      pid,
      stdout: subprocess.stdout,
      stderr: subprocess.stderr,
      onLeaderExit: (callback) => void subprocess.once('exit', () => callback()),
      result,
    };
  },
};
