// The baseline: the same command spawned straight from Node, no relay in between. Its output is
// piped and read, as the daemon does, and a run ends when the process exited and its pipes closed.
import { spawn } from 'node:child_process';
import type { NativeAddon } from '../src/native/addon.js';

// Runs argv once; rejects unless it exits 0.
export function spawnOnce(argv: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const [file = '', ...args] = argv;
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}`))));
  });
}

// Runs argv once and counts the bytes it writes to stdout.
export function spawnAndCount(argv: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const [file = '', ...args] = argv;
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`${file} exited with ${code}`))));
  });
}

// Spawns started by nativeSpawnOnce and not yet ended.
let nativeRunning = 0;

// Runs argv once through the project's addon (pipes read by the addon), posix_spawn on the event
// loop when no other spawn runs and on a worker thread otherwise, as the native launcher does
// ('loop-when-idle'): the floor that launcher can reach from Node.
export function nativeSpawnOnce(addon: NativeAddon, argv: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = 3; // two pipes and the exit
    let status = 0;
    const done = (): void => {
      if (--pending > 0) return;
      if (status === 0) resolve();
      else reject(new Error(`${argv[0]} exited with ${status}`));
    };
    const onLoop = nativeRunning === 0;
    nativeRunning += 1;
    const child = addon.launch(
      argv[0] ?? '',
      argv,
      ['PATH=/usr/bin:/bin'],
      '/',
      false,
      (errorCode, pidOrMessage) => {
        if (errorCode === null) return queueMicrotask(() => addon.resumeOutput(child)); // launch() may not have returned yet
        nativeRunning -= 1;
        reject(new Error(String(pidOrMessage)));
      },
      (_index, chunk) => chunk === null && done(),
      (exitCode) => {
        nativeRunning -= 1;
        status = exitCode;
        done();
      },
      onLoop,
    );
  });
}
