// Socket activation (SPEC 13) without systemd: the test binds the listening sockets itself, hands
// them to `serve` as fd 3 and 4 with LISTEN_FDS/LISTEN_PID/LISTEN_FDNAMES, like systemd does.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { ActivationError, takeActivatedSockets } from '../../src/host/index.js';
import { loadNativeAddon } from '../../src/native/addon.js';
import { CLI, sendRequest, tempDir, writeConfig } from '../helpers/daemon.js';
import { AUTH_CONF, ORIGINAL_KEY } from '../helpers/fixtures.js';

describe('takeActivatedSockets', () => {
  const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: '/bin', ...vars });

  it('maps the named fds from 3 on and removes the variables', () => {
    const vars = env({ LISTEN_FDS: '2', LISTEN_PID: '42', LISTEN_FDNAMES: 'http:tcp' });
    assert.deepEqual(takeActivatedSockets(vars, 42), { http: 3, tcp: 4 });
    assert.deepEqual(vars, { PATH: '/bin' });
  });

  it('takes one socket with systemd\'s default name as the relay door', () => {
    assert.deepEqual(takeActivatedSockets(env({ LISTEN_FDS: '1', LISTEN_PID: '7', LISTEN_FDNAMES: 'uscmdrelay.socket' }), 7), { tcp: 3 });
    assert.deepEqual(takeActivatedSockets(env({ LISTEN_FDS: '1', LISTEN_PID: '7' }), 7), { tcp: 3 });
  });

  it('ignores sockets meant for another process, but still removes the variables', () => {
    const vars = env({ LISTEN_FDS: '1', LISTEN_PID: '41', LISTEN_FDNAMES: 'tcp' });
    assert.deepEqual(takeActivatedSockets(vars, 42), {});
    assert.deepEqual(vars, { PATH: '/bin' });
    assert.deepEqual(takeActivatedSockets(env({}), 42), {});
  });

  it('refuses sockets it cannot tell apart', () => {
    assert.throws(() => takeActivatedSockets(env({ LISTEN_FDS: '2', LISTEN_PID: '1', LISTEN_FDNAMES: 'a:b' }), 1), ActivationError);
    assert.throws(() => takeActivatedSockets(env({ LISTEN_FDS: '2', LISTEN_PID: '1', LISTEN_FDNAMES: 'tcp:tcp' }), 1), /two sockets are named tcp/);
    assert.throws(() => takeActivatedSockets(env({ LISTEN_FDS: 'x', LISTEN_PID: '1' }), 1), /LISTEN_FDS=x/);
  });
});

describe('serve with sockets it cannot tell apart', () => {
  it('exits 2 with one line on stderr, binding nothing', async () => {
    const dir = tempDir();
    writeConfig(dir, { auth: AUTH_CONF, relays: '[default]\necho = /bin/echo\n' });
    const proc = spawn('sh', ['-c', 'LISTEN_PID=$$ exec "$@"', 'sh', process.execPath, CLI, 'serve', '--config-dir', dir, '--port', '0'], {
      env: { ...process.env, LISTEN_FDS: '2', LISTEN_FDNAMES: 'one:two' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(proc, 'close')) as [number | null];
    assert.equal(code, 2);
    assert.equal(stderr, 'uscmdrelay: socket activation: systemd passed 2 sockets (LISTEN_FDNAMES=one:two): name them tcp and http with FileDescriptorName=\n');
    assert.equal(stdout, '');
  });
});

// A listening socket bound by the test; its fd goes to a child, then the test closes its copy.
async function listeningSocket(): Promise<{ server: Server; fd: number; port: number }> {
  const server = createServer();
  server.listen({ host: '127.0.0.1', port: 0, backlog: 64 });
  await once(server, 'listening');
  const handle: unknown = Reflect.get(server, '_handle');
  if (typeof handle !== 'object' || handle === null || !('fd' in handle) || typeof handle.fd !== 'number') throw new Error('no fd on the listening handle');
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('not a TCP address');
  return { server, fd: handle.fd, port: address.port };
}

// A stand-in for systemd: a shell that holds fd 3 and 4 for its whole life and starts `serve`
// with them on `start` (LISTEN_PID is the pid that exec's node), stops it on `stop`.
const HOLDER = `
while read -r what; do
  case $what in
    start) sh -c 'LISTEN_PID=$$ exec "$@"' sh "$NODE" "$CLI" serve --config-dir "$DIR" --log-level debug --spawn "$SPAWN" </dev/null &
           echo "started $!" ;;
    stop)  kill -TERM $!; wait $!; echo "exited $?" ;;
  esac
done`;

interface Holder {
  proc: ChildProcess;
  port: number;
  next(match: (line: string) => boolean): Promise<string>;
  send(what: 'start' | 'stop'): void;
}

async function startHolder(relays: string, spawnMode: string): Promise<Holder> {
  const dir = tempDir();
  writeConfig(dir, { auth: AUTH_CONF, relays });
  const tcp = await listeningSocket();
  const http = await listeningSocket();
  const proc = spawn('sh', ['-c', HOLDER], {
    env: { ...process.env, NODE: process.execPath, CLI, DIR: dir, SPAWN: spawnMode, LISTEN_FDS: '2', LISTEN_FDNAMES: 'tcp:http' },
    stdio: ['pipe', 'pipe', 'pipe', tcp.fd, http.fd],
  });
  const { stdin, stdout, stderr: errors } = proc;
  if (!stdin || !stdout || !errors) throw new Error('the holder has no pipes');
  // From here only the holder (and the daemons it starts) has the sockets.
  tcp.server.close();
  http.server.close();
  const lines: string[] = [];
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
  let stderr = '';
  errors.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: stdout }).on('line', (line) => {
    const waiter = waiters.find((w) => w.match(line));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    } else lines.push(line);
  });
  return {
    proc,
    port: tcp.port,
    next(match) {
      const seen = lines.findIndex(match);
      if (seen >= 0) return Promise.resolve(lines.splice(seen, 1)[0] ?? '');
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        proc.once('exit', () => reject(new Error(`holder exited; stderr: ${stderr}`)));
      });
    },
    send: (what) => stdin.write(`${what}\n`),
  };
}

// Connects (resolving once the handshake is done), sends an echo request, and gives the pending answer.
async function connectAndAsk(port: number, word: string): Promise<{ answer: Promise<string> }> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  await once(socket, 'connect');
  socket.end(`${JSON.stringify({ auth_key: ORIGINAL_KEY, command: 'echo', arguments: [word] })}\n`);
  const answer = (async () => {
    let text = '';
    for await (const chunk of socket) text += String(chunk);
    return text.trim();
  })();
  return { answer };
}

const logLine = (msg: string) => (line: string) => line.startsWith('{') && (JSON.parse(line) as { msg?: string }).msg === msg;

describe('serve under socket activation', () => {
  // Both launchers: neither may hand the listening sockets to a relayed command.
  for (const launcher of ['portable', 'native'] as const) {
    const skip = launcher === 'native' && loadNativeAddon() === null && 'the native addon is not built';
    it(`answers on the passed socket without binding, and a restart refuses no connection (${launcher})`, { skip }, async () => {
      const holder = await startHolder('[default]\necho = /bin/echo\nfds = /bin/sh -c "ls -l /proc/$$/fd"\n', launcher);
      try {
        holder.send('start');
        const listening = JSON.parse(await holder.next(logLine('listening'))) as { host?: string; port?: number; launcher?: string };
        assert.deepEqual([listening.host, listening.port, listening.launcher], ['127.0.0.1', holder.port, launcher]);
        const [answer] = await sendRequest(holder.port, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['first'] });
        assert.deepEqual([answer?.code, answer?.message], [0, 'first']);
        // The listening sockets never reach a relayed command.
        const [fds] = await sendRequest(holder.port, { auth_key: ORIGINAL_KEY, command: 'fds' });
        assert.equal(fds?.code, 0);
        assert.doesNotMatch(String(fds?.message), / [34] -> /);

        holder.send('stop');
        assert.equal(await holder.next((line) => line.startsWith('exited')), 'exited 0');
        // No process serves now: the kernel still completes the handshakes into the backlog.
        const answers = await Promise.all(['a1', 'a2', 'a3'].map((word) => connectAndAsk(holder.port, word)));
        holder.send('start');
        await holder.next(logLine('listening'));
        for (const [index, pending] of answers.entries()) {
          const queuedAnswer = JSON.parse(await pending.answer) as { code?: number; message?: string };
          assert.deepEqual([queuedAnswer.code, queuedAnswer.message], [0, `a${index + 1}`]);
        }
        holder.send('stop');
        assert.equal(await holder.next((line) => line.startsWith('exited')), 'exited 0');
      } finally {
        holder.proc.kill();
      }
    });
  }
});
