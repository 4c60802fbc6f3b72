// The baseline: the same command spawned straight from Node, no relay in between. Its output is
// piped and read, as the daemon does, and a run ends when the process exited and its pipes closed.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Launcher } from '../src/exec/index.js';
import { makePlan } from '../test/exec/helpers.js';
import { tempDir } from '../test/helpers/daemon.js';

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

// A floor server: a process that prints its port, then serves each connection by running the
// command once and answering a fixed line (no relay). Started as its own process, so its CPU is
// its own.
export interface FloorServer {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

// Node's TCP server running argv through the native launcher (bench/floor-server.ts).
export function startNodeFloorServer(argv: readonly string[]): Promise<FloorServer> {
  return startFloorServer(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'floor-server.ts'), ...argv]);
}

// The same in C, no runtime at all (bench/floor-server.c), compiled here with the machine's C
// compiler: the server, or why there is none.
export async function startCFloorServer(argv: readonly string[]): Promise<FloorServer | string> {
  const dir = tempDir('uscmdrelay-bench-floor-');
  const binary = join(dir, 'floor-server');
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    execFileSync('cc', ['-O2', '-o', binary, join(import.meta.dirname, 'floor-server.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    removeDir();
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: Buffer };
    return code === 'ENOENT' ? 'no C compiler (cc)' : `cc failed: ${String(stderr ?? code).trim().split('\n')[0]}`;
  }
  try {
    const server = await startFloorServer(binary, argv);
    return {
      ...server,
      stop: async () => {
        await server.stop();
        removeDir();
      },
    };
  } catch (error) {
    removeDir();
    throw error;
  }
}

async function startFloorServer(file: string, args: readonly string[]): Promise<FloorServer> {
  const server = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(server, 'exit');
  const firstLine = await Promise.race([
    once(server.stdout, 'data').then(([chunk]) => String(chunk)),
    exited.then(([code]) => `exited with ${String(code)}`),
  ]);
  const port = Number(firstLine.trim());
  if (!(port > 0) || server.pid === undefined) {
    server.kill('SIGKILL');
    throw new Error(`the floor server ${file} did not start: ${firstLine}`);
  }
  return {
    pid: server.pid,
    port,
    stop: async () => {
      if (server.exitCode === null && server.signalCode === null) server.kill();
      await exited;
    },
  };
}
