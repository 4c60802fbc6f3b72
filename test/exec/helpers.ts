// Test helpers for the exec layer: a complete CommandSpec, a RunPlan, and the /proc look-ups of
// test/helpers/processes.ts.
import { readdirSync, readlinkSync } from 'node:fs';
import { AccountDirectory } from '../../src/config/accounts.js';
import { buildCommandSpec } from '../../src/config/command-spec.js';
import type { CommandSpec, ConfigProblem } from '../../src/config/index.js';
import { isSpawnMode, resolveLauncher, runCommand as runWith } from '../../src/exec/index.js';
import type { Launcher, PrepareInput, RunPlan, RunResult } from '../../src/exec/index.js';

export { isRunning, liveMembers, zombieChildren } from '../helpers/processes.js';
export { tempDir } from '../helpers/daemon.js';

// The launcher the exec tests run on: USCMDRELAY_SPAWN (auto, native, portable), read as the
// daemon reads it, so `npm test` runs these suites on both launchers.
export const testLauncher: Launcher = (() => {
  const mode = process.env.USCMDRELAY_SPAWN ?? 'auto';
  if (!isSpawnMode(mode)) throw new Error(`USCMDRELAY_SPAWN: not a launcher: ${mode}`);
  const launcher = resolveLauncher(mode);
  if (launcher instanceof Error) throw launcher;
  return launcher;
})();

// Runs a plan on the test launcher (or the one given).
export function runCommand(plan: RunPlan, launcher: Launcher = testLauncher): Promise<RunResult> {
  return runWith(plan, launcher);
}

// A command with every field of CommandSpec at its default, built as relays.conf's
// `[default]` line `test-cmd = /bin/true` is (so a new option's default comes from its table),
// with no time limit unless overridden.
export function makeCommand(overrides: Partial<CommandSpec> = {}): CommandSpec {
  const file = '/test/relays.conf';
  const problems: ConfigProblem[] = [];
  const spec = buildCommandSpec(
    {
      cluster: 'default',
      name: 'test-cmd',
      section: 'default',
      file,
      line: 2,
      options: new Map([['command', { name: 'command', value: '/bin/true', file, line: 2, lastLine: 2 }]]),
    },
    { defaults: { timeoutMs: 0, maxOutput: 16 * 1024 * 1024, shellExec: false }, accounts: new AccountDirectory() },
    problems,
  );
  if (spec === null) throw new Error(`makeCommand: ${JSON.stringify(problems)}`);
  return { ...spec, ...overrides };
}

// A shell-mode command running `line` through /bin/sh -c.
export function shellCommand(line: string, overrides: Partial<CommandSpec> = {}): CommandSpec {
  return makeCommand({ line, argv: ['/bin/sh', '-c', line], shell: true, ...overrides });
}

export function makeInput(overrides: Partial<PrepareInput> = {}): PrepareInput {
  return {
    args: [],
    payload: null,
    stream: false,
    requestTimeoutMs: null,
    meta: {
      requestId: 'req-1',
      keyLabel: 'ci-runner',
      cluster: 'default',
      command: 'test-cmd',
      remoteAddress: '127.0.0.1',
      remotePort: 40000,
    },
    onOutput: null,
    clientGone: null,
    cancel: null,
    ...overrides,
  };
}

// A plan running argv with a minimal environment and a 16 MiB cap.
export function makePlan(argv: readonly string[], overrides: Partial<RunPlan> = {}): RunPlan {
  return {
    argv,
    env: { PATH: '/usr/bin:/bin' },
    cwd: '/',
    uid: null,
    gid: null,
    timeoutMs: 0,
    maxOutput: 16 * 1024 * 1024,
    stdin: null,
    onOutput: null,
    clientGone: null,
    killOnDisconnect: false,
    cancel: null,
    ...overrides,
  };
}

// This process's open descriptors, each as `fd->what it points at`. A leak is an entry that was
// not there before; one that went away is not (tsx closes a handle on its cache directory at its
// own pace, so a count dropped by one now and then).
export function openFds(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [`${fd}->${readlinkSync(`/proc/self/fd/${fd}`)}`];
    } catch {
      return []; // closed meanwhile: the directory listing's own descriptor
    }
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
