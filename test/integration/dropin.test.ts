// Issue 10: what running side by side with the original found, each against the real daemon.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ask, CLI, sendRaw, startDaemon, tempDir, writeConfig, type DaemonHandle, type LogLine } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY, ORIGINAL_KEY, RELAYS_CONF } from '../helpers/fixtures.js';

const LIMIT = { timeout: 60_000 };
const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Resolves once `check` holds, polling on a timer (for facts only the file system shows).
async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const logLines = (file: string): LogLine[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine)
    : [];

describe('requests as the original took them', () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({ auth: AUTH_CONF, relays: `${RELAYS_CONF}\n[ops::Restart]\ncommand = /bin/echo restarted\n` });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('item 1: status is "ok" on success, for a run and for a list', LIMIT, async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['hi'] });
    assert.deepEqual([answer.status, answer.code, answer.message], ['ok', 0, 'hi']);
    const list = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'list' });
    assert.deepEqual([list.status, list.code], ['ok', 0]);
  });

  it('item 2: a pretty-printed request spanning several lines, after blank lines, is one request', LIMIT, async () => {
    const body = `\n\n{\n  "auth_key": "${ORIGINAL_KEY}",\n  "command": "echo",\n  "arguments": [\n    "multi",\n    "line"\n  ]\n}\n`;
    const answer = JSON.parse(await sendRaw(daemon.port, body, false)) as Record<string, unknown>;
    assert.deepEqual([answer.status, answer.code, answer.message], ['ok', 0, 'multi line']);
  });

  it('item 2: a line that cannot be part of a JSON object is 2099 at once, the connection still open', LIMIT, async () => {
    const answer = JSON.parse(await sendRaw(daemon.port, 'uptime please\n', false)) as Record<string, unknown>;
    assert.deepEqual([answer.code, answer.message], [2099, 'Malformed request: request is not valid JSON']);
  });

  it('item 6: a numeric id is echoed as sent', LIMIT, async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['x'], id: 17 });
    assert.equal(answer.id, 17);
  });

  it('item 15: request names are case-sensitive, as in the original', LIMIT, async () => {
    assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'ECHO', arguments: ['x'] })).code, 2001);
    assert.equal((await ask(daemon, { auth_key: HASHED_KEY, command: 'ops::restart' })).code, 2001);
    assert.equal((await ask(daemon, { auth_key: HASHED_KEY, command: 'ops::Restart' })).message, 'restarted');
    assert.equal((await ask(daemon, { auth_key: HASHED_KEY, command: 'OPS::id' })).code, 2000);
  });

  it('item 14: one log schema: remote ip:port, nothing guessed for unauthenticated or list lines', LIMIT, async () => {
    const refused = await ask(daemon, { auth_key: 'wrong', command: 'secret::thing' });
    const failed = await daemon.waitForLog((l) => l.msg === 'authentication failed' && l.request_id === refused.request_id);
    assert.match(String(failed.remote), /^127\.0\.0\.1:\d+$/);
    assert.equal(failed.level, 'warn');
    const line = await daemon.waitForLog((l) => l.msg === 'request' && l.request_id === refused.request_id);
    assert.match(String(line.remote), /^127\.0\.0\.1:\d+$/);
    for (const field of ['key', 'cluster', 'command', 'requested', 'args']) assert.equal(field in line, false, `${field} in ${JSON.stringify(line)}`);

    const list = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'list' });
    const listed = await daemon.waitForLog((l) => l.msg === 'request' && l.request_id === list.request_id);
    assert.equal(listed.op, 'list');
    for (const field of ['cluster', 'command', 'requested']) assert.equal(field in listed, false, field);

    const unknown = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'nosuch' });
    const asked = await daemon.waitForLog((l) => l.msg === 'request' && l.request_id === unknown.request_id);
    assert.deepEqual([asked.code, asked.requested, 'command' in asked, asked.level], [2001, 'nosuch', false, 'info']);
  });
});

describe('shell mode and configtest (item 5)', () => {
  it('configtest -v says which shell lines get "$@" appended', LIMIT, async () => {
    const dir = tempDir();
    writeConfig(dir, { auth: AUTH_CONF, relays: '[default]\necho = echo\nfirst = echo "$1"\n' });
    const result = await cli(['configtest', '-v', '--shell-exec', '--config-dir', dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `${join(dir, 'relays.conf')}: [default] default::echo: shell line names no positional parameter; client arguments are appended as "$@"\nConfig OK\n`,
    );
    assert.equal((await cli(['configtest', '--shell-exec', '--config-dir', dir])).stdout, 'Config OK\n');
  });
});

describe('operator polish', () => {
  it('item 7: a second SIGTERM during the drain ends the grace: 3007, exit 0, no orphan', LIMIT, async () => {
    const work = tempDir();
    const pidFile = join(work, 'pid');
    const daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: `[default]\nforever = /bin/sh -c 'echo $$ > "$1"; exec sleep 300' forever\n`,
      args: ['--shutdown-grace', '300'],
    });
    const answer = ask(daemon, { auth_key: ORIGINAL_KEY, command: 'forever', arguments: [pidFile] });
    await waitFor('the command to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const exited = once(daemon.proc, 'exit');
    daemon.proc.kill('SIGINT');
    await daemon.waitForLog((l) => l.msg === 'shutting down');
    daemon.proc.kill('SIGINT');
    const final = await answer;
    assert.deepEqual([final.code, final.message], [3007, 'Cancelled: the daemon is shutting down']);
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    await waitFor('the command to be gone', () => !alive(pid));
  });

  it('item 9: the process is named uscmdrelay (pidof finds it); SIGHUP reopens --log FILE', LIMIT, async () => {
    const logDir = tempDir();
    const logFile = join(logDir, 'daemon.log');
    const daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS_CONF, logFile });
    try {
      const { stdout } = await run('pidof', ['uscmdrelay']);
      assert.ok(stdout.trim().split(/\s+/).includes(String(daemon.proc.pid)), stdout);
      assert.equal(readFileSync(`/proc/${daemon.proc.pid}/comm`, 'utf8').trim(), 'uscmdrelay');

      renameSync(logFile, `${logFile}.1`); // logrotate without copytruncate
      daemon.proc.kill('SIGHUP');
      await waitFor('the reopened log file', () => logLines(logFile).some((l) => l.msg === 'configuration reloaded'));
      const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['rotated'] });
      await waitFor('the request line in the new file', () => logLines(logFile).some((l) => l.request_id === answer.request_id));
      assert.equal(logLines(`${logFile}.1`).some((l) => l.request_id === answer.request_id), false);
    } finally {
      assert.equal(await daemon.stop(), 0);
    }
    // Asynchronous writes are flushed on exit: the last line is there once the process is gone.
    assert.equal(logLines(logFile).at(-1)?.msg, 'stopped');
  });

  it('item 14: --log-format pretty writes text for people, levels as words', LIMIT, async () => {
    const dir = tempDir();
    writeConfig(dir, { auth: AUTH_CONF, relays: RELAYS_CONF });
    const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--config-dir', dir, '--log-format', 'pretty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let port = 0;
    for await (const line of createInterface({ input: proc.stdout })) {
      lines.push(line);
      const found = /^\s+port: (\d+)$/.exec(line);
      if (found) {
        port = Number(found[1]);
        break;
      }
    }
    assert.match(lines[0] ?? '', /^\[[0-9-]+ [0-9:.]+\] INFO: listening$/);
    assert.ok(port > 0);
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
  });

  describe('item 10: start-up failures are one line on stderr, exit 2', () => {
    const dir = tempDir();
    writeConfig(dir, { auth: AUTH_CONF, relays: RELAYS_CONF });
    const notPem = join(dir, 'relays.conf');
    const blocker = createServer();
    let busyPort = 0;
    before(async () => {
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const address = blocker.address();
      busyPort = typeof address === 'object' && address !== null ? address.port : 0;
    });
    after(() => blocker.close());

    const cases: Array<[string, () => string[], RegExp]> = [
      ['port in use', () => ['--port', String(busyPort)], /^uscmdrelay: cannot listen on 127\.0\.0\.1:\d+: the address is already in use \(another daemon on that port\?\)$/],
      ['address not available', () => ['--host', '192.0.2.1', '--port', '0'], /^uscmdrelay: cannot listen on 192\.0\.2\.1:0: the address is not available on this host$/],
      ['missing TLS file', () => ['--tls-cert', join(dir, 'nope.pem'), '--tls-key', join(dir, 'nope.pem')], /^uscmdrelay: TLS: ENOENT: no such file or directory, open '.*nope\.pem'$/],
      ['bad TLS file', () => ['--tls-cert', notPem, '--tls-key', notPem], /^uscmdrelay: TLS: .*PEM.*$/],
      ['--log FILE that cannot be written', () => ['--log', dir], /^uscmdrelay: --log: EISDIR: illegal operation on a directory, open '.*'$/],
    ];
    for (const [name, args, message] of cases) {
      it(name, LIMIT, async () => {
        const result = await cli(['serve', '--config-dir', dir, '--port', '0', ...args()]);
        assert.equal(result.code, 2, result.stderr);
        assert.equal(result.stdout, '');
        assert.equal(result.stderr.endsWith('\n') && result.stderr.split('\n').length, 2, result.stderr);
        assert.match(result.stderr.trim(), message);
      });
    }
  });

  describe('item 12: -h, and each command lists only its own options', () => {
    const daemonOptions = ['--config-dir', '--log ', '--log-level', '--log-format', '--shell-exec'];
    it('-h is --help', LIMIT, async () => {
      const [short, long] = await Promise.all([cli(['-h']), cli(['--help'])]);
      assert.equal(short.code, 0);
      assert.equal(short.stdout, long.stdout);
    });
    for (const command of ['serve', 'configtest', 'agent']) {
      it(`${command} --help lists the daemon options`, LIMIT, async () => {
        const { stdout } = await cli([command, '--help']);
        for (const option of daemonOptions) assert.ok(stdout.includes(option), `${command}: ${option}`);
      });
    }
    for (const command of ['call', 'list', 'send', 'signal', 'wait', 'keygen', 'key list']) {
      it(`${command} --help lists none of them`, LIMIT, async () => {
        const { code, stdout } = await cli([...command.split(' '), '-h']);
        assert.equal(code, 0);
        const unexpected = command === 'key list' ? daemonOptions.slice(1) : daemonOptions;
        for (const option of unexpected) assert.ok(!stdout.includes(option), `${command}: ${option}\n${stdout}`);
      });
    }
  });
});
