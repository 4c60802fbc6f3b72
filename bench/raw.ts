// The baseline: the same command spawned straight from Node, no relay in between. Its output is
// piped and read, as the daemon does, and a run ends when the process exited and its pipes closed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Launcher } from '../src/exec/index.js';
import { makePlan } from '../test/exec/helpers.js';

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

// Runs argv once through the native launcher alone (posix_spawn through the addon, on the event
// loop when nothing else runs, pipes read by the addon; no relay around it): the floor that
// launcher can reach from Node.
export async function nativeSpawnOnce(launcher: Launcher, argv: readonly string[]): Promise<void> {
  const launched = await launcher.launch(makePlan(argv));
  const output = launched.output;
  if (output === null) throw new Error(`${argv[0]} did not start: ${(await launched.result).startErrorCode}`);
  await new Promise<void>((resolve) => output.read(() => {}, resolve));
  const end = await launched.result;
  if (end.exitCode !== 0) throw new Error(`${argv[0]} exited with ${end.exitCode ?? end.signal}`);
}

// Starts bench/floor-server.ts (Node's TCP server running argv through the native launcher, no
// relay) as its own process, so its CPU is its own.
export async function startFloorServer(argv: readonly string[]): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const server = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'floor-server.ts'), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(server, 'exit');
  const [firstLine] = (await once(server.stdout, 'data')) as [Buffer];
  const port = Number(String(firstLine).trim());
  if (!(port > 0) || server.pid === undefined) throw new Error(`the floor server did not start: ${String(firstLine)}`);
  return {
    pid: server.pid,
    port,
    stop: async () => {
      server.kill();
      await exited;
    },
  };
}
