// The real daemon for the benchmarks: compiled `dist/cli/main.js serve --port 0` as a child
// process, its audit log going to a file (as in production), and raw-TCP clients that talk to it
// the way `nc` does: one connection per request.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, tempDir, writeConfig } from '../test/helpers/daemon.js';

export const BENCH_KEY = 'bench-key-0123456789abcdef';

export interface BenchDaemon {
  pid: number;
  port: number;
  logFile: string;
  youngGc(): YoungGc; // since the start; subtract two readings for a stretch
  stop(): Promise<void>;
}

// The daemon's young collections (scavenges) as V8 reports them (`--trace-gc-nvp`, one line per
// collection on its standard output): what was allocated between them, what survived into the old
// generation, and the pauses. The promoted bytes barely move from run to run, unlike CPU time; the
// number of scavenges follows the size V8 gives the young generation at the time.
export interface YoungGc {
  scavenges: number;
  allocatedBytes: number;
  promotedBytes: number;
  pauseMs: number;
}

// What happened between two readings.
export function youngGcSince(before: YoungGc, after: YoungGc): YoungGc {
  return {
    scavenges: after.scavenges - before.scavenges,
    allocatedBytes: after.allocatedBytes - before.allocatedBytes,
    promotedBytes: after.promotedBytes - before.promotedBytes,
    pauseMs: after.pauseMs - before.pauseMs,
  };
}

function countYoungGc(totals: YoungGc, line: string): void {
  if (!line.includes('gc=s ')) return;
  const field = (name: string): number => Number(new RegExp(`\\b${name}=([0-9.]+)`).exec(line)?.[1] ?? 0);
  totals.scavenges += 1;
  totals.allocatedBytes += field('allocated');
  totals.promotedBytes += field('promoted');
  totals.pauseMs += field('pause');
}

// Starts the daemon with the relays.conf given; one hashed key allowed every cluster.
export async function startBenchDaemon(relays: string, extraArgs: readonly string[] = [], extraEnv: Record<string, string> = {}): Promise<BenchDaemon> {
  const dir = tempDir('uscmdrelay-bench-');
  const keyHash = createHash('sha256').update(BENCH_KEY).digest('hex');
  writeConfig(dir, { auth: `[bench]\nkey_sha256 = ${keyHash}\nauth_clusters = *\n`, relays });
  const logFile = join(dir, 'daemon.log');
  const args = ['serve', '--port', '0', '--config-dir', dir, '--log', logFile, '--log-level', 'info', ...extraArgs];
  // The bench says the launcher (--spawn) and the socket layer (extraEnv) itself.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.USCMDRELAY_SPAWN;
  delete env.USCMDRELAY_NODE_SOCKETS;
  Object.assign(env, extraEnv);
  const proc = spawn(process.execPath, ['--trace-gc-nvp', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const gc: YoungGc = { scavenges: 0, allocatedBytes: 0, promotedBytes: 0, pauseMs: 0 };
  if (proc.stdout) createInterface({ input: proc.stdout }).on('line', (line) => countYoungGc(gc, line));
  const exited = once(proc, 'exit');
  try {
    const port = await readListeningPort(logFile, proc, () => stderr);
    return {
      pid: proc.pid ?? 0,
      port,
      logFile,
      youngGc: () => ({ ...gc }),
      async stop() {
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

// Waits for the `listening` line in the log file and returns its port.
async function readListeningPort(logFile: string, proc: ChildProcess, stderr: () => string): Promise<number> {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`daemon exited with ${proc.exitCode}: ${stderr()}`);
    if (existsSync(logFile)) {
      for (const text of readFileSync(logFile, 'utf8').split('\n')) {
        if (!text.includes('"listening"')) continue;
        const line = JSON.parse(text) as { msg?: unknown; port?: unknown };
        if (line.msg === 'listening' && typeof line.port === 'number') return line.port;
      }
    }
    await sleep(20);
  }
  throw new Error(`daemon did not log "listening" in 15 s: ${stderr()}`);
}

export function requestLine(command: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ auth_key: BENCH_KEY, command, ...extra }) + '\n';
}

// One request as `echo … | nc -N`: connect, send the line, half-close, read until the daemon
// closes. Resolves with the answer's last line, parsed.
export function requestOnce(port: number, line: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => socket.end());
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8').trimEnd();
      try {
        resolve(JSON.parse(text.slice(text.lastIndexOf('\n') + 1)) as Record<string, unknown>);
      } catch {
        reject(new Error(`unparsable answer: ${JSON.stringify(text.slice(0, 200))}`));
      }
    });
    socket.end(line);
  });
}

export interface StreamedFigures {
  payloadBytes: number; // bytes of stdout the events carried (UTF-8)
  wireBytes: number; // bytes received on the socket
  final: Record<string, unknown>; // the 2.2 response
}

// A `"stream": true` request read as a client must: split at newlines, parse every event,
// count the stdout payload it carries.
export function streamRequest(port: number, line: string): Promise<StreamedFigures> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let payloadBytes = 0;
    let wireBytes = 0;
    let final: Record<string, unknown> | null = null;
    let partial: Buffer[] = [];
    const onLine = (text: string): void => {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      if (parsed.event === 'stdout' && typeof parsed.data === 'string') payloadBytes += Buffer.byteLength(parsed.data);
      else if (parsed.event === undefined) final = parsed;
    };
    socket.on('data', (chunk: Buffer) => {
      wireBytes += chunk.length;
      let start = 0;
      for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
        partial.push(chunk.subarray(start, end));
        onLine(Buffer.concat(partial).toString('utf8'));
        partial = [];
        start = end + 1;
      }
      if (start < chunk.length) partial.push(chunk.subarray(start));
    });
    socket.on('end', () => socket.end());
    socket.on('error', reject);
    socket.on('close', () => {
      if (final === null) reject(new Error('stream ended without a final line'));
      else resolve({ payloadBytes, wireBytes, final });
    });
    socket.end(line);
  });
}

// Samples a process's resident set size (VmRSS) every intervalMs; stop() returns the peak seen
// and the kernel's own high-water mark (VmHWM) since the process started.
export function sampleRss(pid: number, intervalMs = 20): { stop(): { peakKiB: number; hwmKiB: number } } {
  let peakKiB = 0;
  const sample = (): void => {
    peakKiB = Math.max(peakKiB, readStatusKiB(pid, 'VmRSS'));
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakKiB, hwmKiB: readStatusKiB(pid, 'VmHWM') };
    },
  };
}

export function readStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // gone, or not Linux
  }
}

// CPU time (user + system) the process itself has used so far, in ms; its children not counted.
function readCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

// CPU ms a process has used since the call (null: the bench process itself, load generator
// included); call the function it returns to read it.
export function cpuMeter(pid: number | null): () => number {
  if (pid === null) {
    const before = process.cpuUsage();
    return () => {
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    };
  }
  const before = readCpuMs(pid);
  return () => readCpuMs(pid) - before;
}
