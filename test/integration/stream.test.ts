// SPEC 2.3 against the running daemon: `"stream": true` events as the command produces them,
// then the final line; backpressure keeps the daemon's memory flat under 1 GiB of output.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { ask, startDaemon, tempDir, type DaemonHandle } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY } from '../helpers/fixtures.js';

const LIMIT = { timeout: 60_000 };
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

type Line = Record<string, unknown>;

// Sends a request and hands back its answer line by line, as the lines arrive.
async function openStream(port: number, body: object): Promise<{ socket: Socket; next: () => Promise<Line | null> }> {
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.end(`${JSON.stringify(body)}\n`);
  const lines = createInterface({ input: socket })[Symbol.asyncIterator]();
  return {
    socket,
    next: async () => {
      const line = await lines.next();
      return line.done === true ? null : (JSON.parse(line.value) as Line);
    },
  };
}

// Waits until the command has created a file named `name` in dir: the command blocks until then.
const release = (dir: string, name: string): void => writeFileSync(join(dir, name), '');

// The daemon's resident memory now, in bytes.
const rssOf = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

const stream = (name: string, extra: object = {}): object => ({ auth_key: HASHED_KEY, command: `out::${name}`, stream: true, ...extra });

const FINAL_FIELDS = ['code', 'duration_ms', 'exit_code', 'id', 'message', 'request_id', 'signal', 'status'];

describe('streaming', () => {
  let daemon: DaemonHandle;
  const waitFile = (name: string): string => `while [ ! -e "$1/${name}" ]; do sleep 0.02; done`;
  const relays = `[out::staged]
command = /bin/sh -c '${'echo one; '}${waitFile('go1')}; echo two >&2; ${waitFile('go2')}; echo three; exit 3' staged
timeout = 20

[out::padded]
command = /usr/bin/printf '  padded  \\n'

[out::split-char]
command = /bin/sh -c "printf '\\\\303'; sleep 0.2; printf '\\\\251 \\\\377\\\\n'"

[out::one-arg]
command = /bin/echo
args = 1

[out::slow]
command = /bin/sh -c 'echo before; exec sleep 30' slow
timeout = 0.5

[out::flood]
command = /usr/bin/yes
timeout = 1
concurrency = 1

[out::gib]
command = /bin/sh -c "head -c ${GIB} /dev/zero | tr '\\\\0' a"
timeout = 300
max_output = 1M
`;
  before(async () => {
    daemon = await startDaemon({ auth: AUTH_CONF, relays });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('delivers stdout and stderr events as produced, in order, then the final line', LIMIT, async () => {
    const dir = tempDir();
    const { next } = await openStream(daemon.port, stream('staged', { arguments: [dir], id: 'staged-1' }));
    // The command waits for each release, and we release only once the event before has
    // arrived: events held back until the end would stall it until its time limit.
    assert.deepEqual(await next(), { event: 'stdout', data: 'one\n' });
    release(dir, 'go1');
    assert.deepEqual(await next(), { event: 'stderr', data: 'two\n' });
    release(dir, 'go2');
    assert.deepEqual(await next(), { event: 'stdout', data: 'three\n' });
    const final = await next();
    assert.ok(final);
    assert.deepEqual(Object.keys(final).sort(), FINAL_FIELDS);
    assert.deepEqual(
      [final.status, final.code, final.message, final.exit_code, final.signal, final.id],
      // stderr went out as events; the final message does not repeat it.
      ['error', 3001, 'Command exited with code 3', 3, null, 'staged-1'],
    );
    assert.equal(await next(), null);
  });

  it('on success the final message is empty and the events carry the output untrimmed', LIMIT, async () => {
    const lines = await daemon.request(stream('padded'));
    assert.deepEqual(lines.slice(0, -1), [{ event: 'stdout', data: '  padded  \n' }]);
    const final = lines.at(-1) ?? {};
    assert.deepEqual([final.status, final.code, final.message, final.exit_code, final.signal], ['ok', 0, '', 0, null]);
    assert.match(String(final.request_id), /^[0-9a-f-]{36}$/);
    assert.equal(typeof final.duration_ms, 'number');
  });

  it('decodes UTF-8 across events: a character split between writes stays whole, bad bytes become U+FFFD', LIMIT, async () => {
    const lines = await daemon.request(stream('split-char'));
    const events = lines.slice(0, -1);
    assert.ok(events.every((line) => line.event === 'stdout'));
    assert.equal(events.map((line) => line.data).join(''), 'é \uFFFD\n');
    assert.equal(lines.at(-1)?.code, 0);
  });

  it('a request refused before running answers the final line only', LIMIT, async () => {
    const lines = await daemon.request(stream('one-arg', { arguments: ['a', 'b'] }));
    assert.equal(lines.length, 1);
    assert.deepEqual([lines[0]?.code, lines[0]?.message], [2002, 'Arguments rejected: expected 0 to 1 arguments, got 2']);
  });

  it('a command killed at its time limit: its events, then 3002', LIMIT, async () => {
    const lines = await daemon.request(stream('slow'));
    assert.deepEqual(lines.slice(0, -1), [{ event: 'stdout', data: 'before\n' }]);
    assert.deepEqual([lines.at(-1)?.code, lines.at(-1)?.message, lines.at(-1)?.signal], [3002, 'Command ran past its time limit and was killed', 'SIGTERM']);
  });

  it('a client that stops reading does not hold the request past the command time limit', LIMIT, async () => {
    const socket = connect({ host: '127.0.0.1', port: daemon.port });
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write(`${JSON.stringify(stream('flood', { id: 'never-reads' }))}\n`);
    socket.pause(); // and never read again
    try {
      // The command is killed at 1 s; the request ends soon after, answered (into a full socket) and logged.
      const line = await daemon.waitForLog((l) => l.msg === 'request' && l.command === 'flood' && l.code === 3002, 20_000);
      assert.equal(line.signal, 'SIGTERM');
      // Its concurrency slot is free again: the next run is not refused as busy.
      const next = await daemon.request(stream('flood', { timeout: 0.2 }));
      assert.equal(next.at(-1)?.code, 3002);
    } finally {
      socket.destroy();
    }
  });

  it('streams 1 GiB to a slow reader with the daemon memory flat: the pipes are paused, not buffered', { timeout: 180_000 }, async (t) => {
    const pid = daemon.proc.pid ?? 0;
    const startRss = rssOf(pid);
    let peakRss = startRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 20);
    const socket = connect({ host: '127.0.0.1', port: daemon.port });
    await once(socket, 'connect');
    socket.end(`${JSON.stringify(stream('gib'))}\n`);
    // A reader that does not read at all for 3 s, then reads in bursts with pauses.
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const PREFIX = '{"event":"stdout","data":"';
    const SUFFIX = '"}';
    let received = 0;
    let sincePause = 0;
    let partial = '';
    let final: Line | null = null;
    let badLine: string | null = null;
    socket.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(PREFIX) && line.endsWith(SUFFIX)) received += line.length - PREFIX.length - SUFFIX.length;
        else if (line.startsWith('{"status"')) final = JSON.parse(line) as Line;
        else badLine ??= line.slice(0, 200);
      }
      sincePause += chunk.length;
      if (sincePause >= 32 * MIB) {
        sincePause = 0;
        socket.pause();
        setTimeout(() => socket.resume(), 100);
      }
    });
    socket.resume();
    await once(socket, 'close');
    clearInterval(sampler);
    t.diagnostic(`daemon RSS: start ${(startRss / MIB).toFixed(1)} MiB, peak ${(peakRss / MIB).toFixed(1)} MiB`);
    assert.equal(badLine, null);
    assert.equal(received, GIB);
    assert.ok(final);
    // The command's max_output caps what is kept for a captured answer; a stream keeps nothing.
    assert.deepEqual([(final as Line).status, (final as Line).code, (final as Line).message, (final as Line).truncated], ['ok', 0, '', undefined]);
    assert.ok(peakRss < startRss + 150 * MIB, `daemon RSS grew from ${startRss / MIB} MiB to ${peakRss / MIB} MiB`);
  });

  it('without stream the same command keeps its max_output cap: 3003, truncated, memory flat', LIMIT, async () => {
    const pid = daemon.proc.pid ?? 0;
    const startRss = rssOf(pid);
    let peakRss = startRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 20);
    const answer = await ask(daemon, { auth_key: HASHED_KEY, command: 'out::gib' });
    clearInterval(sampler);
    assert.deepEqual(
      [answer.status, answer.code, answer.message, answer.truncated],
      ['error', 3003, 'Command output passed its cap and the command was killed', true],
    );
    assert.ok(peakRss < startRss + 150 * MIB, `daemon RSS grew from ${startRss / MIB} MiB to ${peakRss / MIB} MiB`);
  });
});
