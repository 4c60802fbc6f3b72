// Starts the real `uscmdrelay serve` as a child process on an ephemeral port, the way a user
// would, and talks raw TCP to it the way `nc` does.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

export interface DaemonHandle {
  proc: ChildProcess;
  port: number;
  dir: string;
  logs: LogLine[];
  stderr: () => string;
  // Resolves with the first log line (already seen or to come) that matches.
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  // Sends a request (object → one JSON line) and resolves with every line of the answer, parsed.
  request(body: object | string | Buffer, options?: SendOptions): Promise<Record<string, unknown>[]>;
  // SIGTERM (or another signal) and wait for the exit status.
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface DaemonConfig {
  auth: string;
  relays: string;
  args?: string[];
  env?: Record<string, string>;
  logFile?: string; // pass --log FILE and read the log from there instead of stdout
  port?: number; // a fixed port instead of 0 (when the listening line is not logged)
  runAs?: { uid: number; gid: number }; // start the daemon as this user (needs root); the config is chowned to it
  cli?: string; // another build's dist/cli/main.js instead of this package's
}

export function writeConfig(dir: string, config: Pick<DaemonConfig, 'auth' | 'relays'>): void {
  writeFileSync(join(dir, 'auth.conf'), config.auth);
  chmodSync(join(dir, 'auth.conf'), 0o600);
  writeFileSync(join(dir, 'relays.conf'), config.relays);
}

// Every temporary directory a test file (or the bench) made is removed when its process exits:
// its daemons are stopped by then, and nothing piles up in /tmp run after run.
const madeDirs: string[] = [];
process.once('exit', () => {
  for (const dir of madeDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A daemon that outlived its test may still write there; what is left is only litter.
    }
  }
});

export function tempDir(prefix = 'uscmdrelay-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

export async function startDaemon(config: DaemonConfig): Promise<DaemonHandle> {
  const dir = tempDir();
  writeConfig(dir, config);
  if (config.runAs) for (const path of [dir, join(dir, 'auth.conf'), join(dir, 'relays.conf')]) chownSync(path, config.runAs.uid, config.runAs.gid);
  const logArgs = config.logFile ? ['--log', config.logFile] : [];
  // Jobs keep their files in the test's own dir, never in the user's state dir.
  const stateArgs = config.args?.includes('--state-dir') ? [] : ['--state-dir', join(dir, 'state')];
  const args = ['serve', '--port', String(config.port ?? 0), '--config-dir', dir, '--log-level', 'debug', ...logArgs, ...stateArgs, ...(config.args ?? [])];
  const proc = spawn(process.execPath, [config.cli ?? CLI, ...args], {
    env: { ...process.env, ...config.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(config.runAs ?? {}),
  });
  const logs: LogLine[] = [];
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const onLine = (text: string): void => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text, unparsed: true };
    }
    logs.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  if (config.logFile) tailFile(config.logFile, onLine, proc);
  else createInterface({ input: proc.stdout }).on('line', onLine);
  const exited = once(proc, 'exit');

  function waitForLog(match: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log line; stderr: ${stderr}; logs: ${JSON.stringify(logs.slice(-5))}`)), timeoutMs);
      waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      void exited.then(() => setTimeout(() => reject(new Error(`daemon exited; stderr: ${stderr}`)), 200));
    });
  }

  // A loaded CI machine can take a while to start node: 30 s before calling it a failure.
  const port = config.port ?? ((await waitForLog((line) => line.msg === 'listening', 30_000)).port as number);
  if (config.port) await waitForPort(port);
  return {
    proc,
    port,
    dir,
    logs,
    stderr: () => stderr,
    waitForLog,
    request: (body, options) => sendRequest(port, body, options),
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

export interface SendOptions {
  endAfterWrite?: boolean; // half-close after sending (nc -N); default true
  newline?: boolean; // append \n to an object body; default true
}

// Sends raw bytes and resolves with everything the daemon answered until it closed.
export function sendRaw(port: number, data: string | Buffer, endAfterWrite = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => socket.end());
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(data);
    if (endAfterWrite) socket.end();
  });
}

export async function sendRequest(port: number, body: object | string | Buffer, options: SendOptions = {}): Promise<Record<string, unknown>[]> {
  const data = typeof body === 'object' && !Buffer.isBuffer(body) ? JSON.stringify(body) + (options.newline === false ? '' : '\n') : body;
  const text = await sendRaw(port, data, options.endAfterWrite ?? true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

// The last line of an answer: the 2.2 response.
export async function ask(daemon: DaemonHandle, body: object | string | Buffer, options?: SendOptions): Promise<Record<string, unknown>> {
  const lines = await daemon.request(body, options);
  const last = lines.at(-1);
  if (!last) throw new Error('no answer');
  return last;
}

// Follows a log file the daemon appends to, line by line, until the process exits.
function tailFile(path: string, onLine: (text: string) => void, proc: ChildProcess): void {
  let offset = existsSync(path) ? statSync(path).size : 0;
  let partial = '';
  const timer = setInterval(() => {
    if (!existsSync(path)) return;
    const text = readFileSync(path).subarray(offset).toString('utf8');
    offset += Buffer.byteLength(text);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(onLine);
  }, 25);
  proc.on('exit', () => setTimeout(() => clearInterval(timer), 100));
}

// Resolves once something accepts connections on the port.
async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

// A port that was free a moment ago.
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
