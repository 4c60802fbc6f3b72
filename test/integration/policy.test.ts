// SPEC 3.4 and 5.2 against the running daemon: every option of a [cluster::name] section, each
// with a test that fails when the option is ignored.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ask, startDaemon, tempDir, type DaemonHandle, type LogLine } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY } from '../helpers/fixtures.js';
import { isRunning } from '../helpers/processes.js';
import { isRoot, nobodyGid, nobodyUid, packageOutOfNobodysReach } from '../helpers/nobody.js';

const LIMIT = { timeout: 60_000 };
const daemonGid = Number(execFileSync('getent', ['group', 'daemon'], { encoding: 'utf8' }).split(':')[2]);

const SECRET = 'hunter2-masked-value-5f1c9';

// Polls until the condition holds; fails after timeoutMs.
async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

// Sends a request without closing the sending side, waits until `ready`, then resets the
// connection (RST): the client is gone for good, which a half-close alone never says.
async function sendThenReset(port: number, body: object, ready: () => boolean): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(`${JSON.stringify(body)}\n`);
  await waitFor('the command to start', ready);
  socket.resetAndDestroy();
}

const pol = (name: string, args?: string[], extra: object = {}): object => ({
  auth_key: HASHED_KEY,
  command: `pol::${name}`,
  ...(args === undefined ? {} : { arguments: args }),
  ...extra,
});

describe('per-command policy ([cluster::name] options)', () => {
  let daemon: DaemonHandle;
  const cwdDir = tempDir();
  const goneDir = tempDir();
  const work = tempDir();
  const relays = `[default]
echo = /bin/echo

[pol::patient]
command = /bin/sh -c "sleep 1.5; echo patient"
description = Waits a little; then says so
timeout = 5

[pol::unlimited]
command = /bin/sh -c "sleep 1.5; echo unlimited"
timeout = 0

[pol::capped-time]
command = /bin/sh -c "sleep 3; echo slept"
timeout = 0.5

[pol::lowerable]
command = /bin/sh -c "sleep 3; echo slept"
timeout = 20

[pol::lowerable-unlimited]
command = /bin/sh -c "sleep 3; echo slept"
timeout = 0

[pol::chatty]
command = /bin/sh -c "head -c 5000 /dev/zero | tr '\\0' a"
max_output = 4096

[pol::both-streams]
command = /bin/sh -c "head -c 3000 /dev/zero | tr '\\0' o; head -c 3000 /dev/zero | tr '\\0' e >&2"
max_output = 4096

[pol::chatty-roomy]
command = /bin/sh -c "head -c 5000 /dev/zero | tr '\\0' a"
max_output = 8K

[pol::whoami]
command = /bin/sh -c "id -u; id -g; id -G"
user = nobody

[pol::whoami-group]
command = /bin/sh -c "id -u; id -g; id -G"
user = nobody
group = daemon

[pol::group-only]
command = /bin/sh -c "id -u; id -g"
group = daemon

[pol::where]
command = /bin/pwd
cwd = ${cwdDir}

[pol::where-default]
command = /bin/pwd

[pol::where-gone]
command = /bin/pwd
cwd = ${goneDir}

[pol::environment]
command = /usr/bin/env
env = GREETING="hello world" LITERAL='$HOME;x' EMPTY=

[pol::passed]
command = /usr/bin/env
pass_env = RELAY_TEST_TOKEN, RELAY_TEST_UNSET

[pol::one-or-two]
command = /bin/echo
args = 1-2

[pol::no-args]
command = /bin/echo
args = none

[pol::at-most-two]
command = /bin/echo
args = 2

[pol::service]
command = /bin/echo
arg_pattern = start|stop

[pol::word]
command = /bin/echo
arg_pattern = [a-z]+

[pol::single]
command = /bin/sh -c 'touch "$1"; sleep 1.5; echo single' single
concurrency = 1
timeout = 30

[pol::login]
command = /bin/echo
logmask = 2
arg_pattern = [A-Za-z0-9-]+

[pol::sh]
command = printf "<%s>" "$@"; echo " [$0]"
shell = yes

[pol::killable]
command = /bin/sh -c 'echo $$ > "$1/leader"; sleep "$2" & echo $! > "$1/child"; wait; echo finished' killable
on_disconnect = kill
timeout = 60

[pol::ticking]
command = /bin/sh -c 'echo $$ > "$1/leader"; while true; do echo tick; sleep 0.1; done' ticking
on_disconnect = kill
timeout = 60

[pol::lingering]
command = /bin/sh -c 'echo $$ > "$1/leader"; sleep 1; echo done > "$1/marker"; echo lingered' lingering
on_disconnect = continue
timeout = 60
`;

  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays,
      // A short daemon default, so that a command's own longer `timeout` is what lets it finish.
      args: ['--timeout', '1'],
      env: { RELAY_TEST_TOKEN: 'passed-through', RELAY_TEST_OTHER: 'must-not-leak' },
    });
    rmSync(goneDir, { recursive: true });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  const auditOf = (answer: Record<string, unknown>): Promise<LogLine> =>
    daemon.waitForLog((l) => l.msg === 'request' && l.request_id === answer.request_id);

  it('description is what a listing shows', LIMIT, async () => {
    const answer = await ask(daemon, { auth_key: HASHED_KEY, command: '', op: 'list' });
    const commands = answer.commands as Array<{ command: string; description: string }>;
    assert.deepEqual(
      commands.filter((entry) => entry.command === 'pol::patient' || entry.command === 'pol::unlimited'),
      [
        { command: 'pol::patient', description: 'Waits a little; then says so', args: { min: 0, max: null }, payload: 'none' },
        { command: 'pol::unlimited', description: '', args: { min: 0, max: null }, payload: 'none' },
      ],
    );
  });

  it('a listing carries each command\'s argument rules: count and pattern as configured', LIMIT, async () => {
    const answer = await ask(daemon, { auth_key: HASHED_KEY, command: '', op: 'list' });
    const commands = answer.commands as Array<{ command: string }>;
    const wanted = ['pol::one-or-two', 'pol::no-args', 'pol::at-most-two', 'pol::service'];
    assert.deepEqual(
      commands.filter((entry) => wanted.includes(entry.command)),
      [
        { command: 'pol::at-most-two', description: '', args: { min: 0, max: 2 }, payload: 'none' },
        { command: 'pol::no-args', description: '', args: { min: 0, max: 0 }, payload: 'none' },
        { command: 'pol::one-or-two', description: '', args: { min: 1, max: 2 }, payload: 'none' },
        { command: 'pol::service', description: '', args: { min: 0, max: null }, arg_pattern: 'start|stop', payload: 'none' },
      ],
    );
  });

  describe('timeout', () => {
    it('a command timeout above the daemon --timeout lets the command finish', LIMIT, async () => {
      const answer = await ask(daemon, pol('patient'));
      assert.deepEqual([answer.status, answer.code, answer.message], ['ok', 0, 'patient']);
    });

    it('timeout = 0 means no limit, whatever --timeout says', LIMIT, async () => {
      const answer = await ask(daemon, pol('unlimited'));
      assert.deepEqual([answer.code, answer.message], [0, 'unlimited']);
    });

    it('kills at the command timeout: 3002, and a request timeout cannot raise it', LIMIT, async () => {
      const answer = await ask(daemon, pol('capped-time', [], { timeout: 60 }));
      assert.deepEqual(
        [answer.status, answer.code, answer.message, answer.exit_code, answer.signal],
        ['error', 3002, 'Command ran past its time limit and was killed', null, 'SIGTERM'],
      );
      assert.equal((await auditOf(answer)).code, 3002);
    });

    it('a request timeout lowers the command timeout', LIMIT, async () => {
      assert.equal((await ask(daemon, pol('lowerable', [], { timeout: 0.5 }))).code, 3002);
      assert.equal((await ask(daemon, pol('lowerable-unlimited', [], { timeout: 0.5 }))).code, 3002);
      // The same command without a request timeout runs to its end (the kill above was the request's).
      assert.deepEqual([(await ask(daemon, pol('lowerable'))).code], [0]);
    });
  });

  describe('max_output', () => {
    it('past the command cap: killed, 3003, truncated', LIMIT, async () => {
      const answer = await ask(daemon, pol('chatty'));
      assert.deepEqual(
        [answer.status, answer.code, answer.message, answer.truncated],
        ['error', 3003, 'Command output passed its cap and the command was killed', true],
      );
      assert.equal((await auditOf(answer)).truncated, true);
    });

    it('counts stdout and stderr together', LIMIT, async () => {
      const answer = await ask(daemon, pol('both-streams'));
      assert.deepEqual([answer.code, answer.truncated], [3003, true]);
    });

    it('within the command cap: the whole output (K suffix)', LIMIT, async () => {
      const answer = await ask(daemon, pol('chatty-roomy'));
      assert.equal(answer.code, 0);
      assert.equal(answer.message, 'a'.repeat(5000));
      assert.equal(answer.truncated, undefined);
    });
  });

  describe('user and group', () => {
    it('user = nobody runs as nobody with its primary group and no other', { ...LIMIT, skip: !isRoot && 'needs root' }, async () => {
      const answer = await ask(daemon, pol('whoami'));
      assert.equal(answer.code, 0, String(answer.message));
      assert.equal(answer.message, `${nobodyUid}\n${nobodyGid}\n${nobodyGid}`);
    });

    it('user and group together; group alone keeps the daemon user', { ...LIMIT, skip: !isRoot && 'needs root' }, async () => {
      assert.equal((await ask(daemon, pol('whoami-group'))).message, `${nobodyUid}\n${daemonGid}\n${daemonGid}`);
      assert.equal((await ask(daemon, pol('group-only'))).message, `0\n${daemonGid}`);
    });

    it('not root: user = nobody is a clear 3004', { ...LIMIT, skip: isRoot && 'runs as root (see the describe below)' }, async () => {
      const answer = await ask(daemon, pol('whoami'));
      assert.equal(answer.code, 3004);
      assert.match(String(answer.message), /^Command could not be started: not permitted to run \/bin\/sh as the configured user or group \(the daemon must run as root\)$/);
    });
  });

  describe('cwd', () => {
    it('runs in the configured directory', LIMIT, async () => {
      assert.equal((await ask(daemon, pol('where'))).message, realpathSync(cwdDir));
    });

    it('runs in / by default, not in the daemon directory', LIMIT, async () => {
      assert.notEqual(process.cwd(), '/');
      assert.equal((await ask(daemon, pol('where-default'))).message, '/');
    });

    it('a directory removed after loading is a clear 3004', LIMIT, async () => {
      const answer = await ask(daemon, pol('where-gone'));
      assert.deepEqual([answer.code, answer.message], [3004, `Command could not be started: working directory does not exist: ${goneDir}`]);
    });
  });

  describe('env and pass_env', () => {
    it('env adds shlex-split NAME=value pairs, verbatim', LIMIT, async () => {
      const lines = String((await ask(daemon, pol('environment'))).message).split('\n');
      assert.ok(lines.includes('GREETING=hello world'), lines.join('\n'));
      assert.ok(lines.includes('LITERAL=$HOME;x'), lines.join('\n'));
      assert.ok(lines.includes('EMPTY='), lines.join('\n'));
      assert.ok(!lines.some((line) => line.startsWith('RELAY_TEST_')), lines.join('\n'));
    });

    it('pass_env takes the named variables from the daemon environment, and only those', LIMIT, async () => {
      const lines = String((await ask(daemon, pol('passed'))).message).split('\n');
      assert.ok(lines.includes('RELAY_TEST_TOKEN=passed-through'), lines.join('\n'));
      assert.ok(!lines.some((line) => line.startsWith('RELAY_TEST_OTHER=') || line.startsWith('RELAY_TEST_UNSET=')), lines.join('\n'));
    });
  });

  describe('args', () => {
    it('M-N: fewer or more client arguments are 2002', LIMIT, async () => {
      const none = await ask(daemon, pol('one-or-two', []));
      assert.deepEqual([none.status, none.code, none.message, none.exit_code], ['error', 2002, 'Arguments rejected: expected 1 to 2 arguments, got 0', null]);
      const three = await ask(daemon, pol('one-or-two', ['a', 'b', 'c']));
      assert.deepEqual([three.code, three.message], [2002, 'Arguments rejected: expected 1 to 2 arguments, got 3']);
      assert.equal((await ask(daemon, pol('one-or-two', ['a']))).message, 'a');
      assert.equal((await ask(daemon, pol('one-or-two', ['a', 'b']))).message, 'a b');
    });

    it('none and N (at most N)', LIMIT, async () => {
      const one = await ask(daemon, pol('no-args', ['x']));
      assert.deepEqual([one.code, one.message], [2002, 'Arguments rejected: expected no arguments, got 1']);
      assert.equal((await ask(daemon, pol('no-args'))).code, 0);
      const three = await ask(daemon, pol('at-most-two', ['a', 'b', 'c']));
      assert.deepEqual([three.code, three.message], [2002, 'Arguments rejected: expected 0 to 2 arguments, got 3']);
      assert.equal((await ask(daemon, pol('at-most-two'))).code, 0);
    });
  });

  describe('arg_pattern', () => {
    it('every argument must match whole: a partial match is rejected, naming the argument', LIMIT, async () => {
      assert.equal((await ask(daemon, pol('service', ['start']))).message, 'start');
      assert.equal((await ask(daemon, pol('service', ['stop', 'start']))).message, 'stop start');
      for (const [args, position] of [
        [['restart'], 1], // `start` at the end: an unanchored ^start|stop$ would take it
        [['stop', 'stopped'], 2], // `stop` at the start
        [['start', 'stop', 'start; reboot'], 3],
      ] as const) {
        const answer = await ask(daemon, pol('service', [...args]));
        assert.deepEqual([answer.code, answer.message], [2002, `Arguments rejected: argument ${position} does not match the allowed pattern`]);
      }
    });

    it('a character class must cover the whole argument', LIMIT, async () => {
      assert.equal((await ask(daemon, pol('word', ['abc']))).code, 0);
      const answer = await ask(daemon, pol('word', ['abc', 'abc123']));
      assert.deepEqual([answer.code, answer.message], [2002, 'Arguments rejected: argument 2 does not match the allowed pattern']);
      assert.equal((await ask(daemon, pol('word', ['']))).code, 2002);
    });
  });

  describe('concurrency', () => {
    it('one more run than concurrency allows is 3005; the slot is free again afterwards', LIMIT, async () => {
      const started = join(work, 'single-started');
      const first = ask(daemon, pol('single', [started]));
      await waitFor('the first run to start', () => existsSync(started));
      const second = await ask(daemon, pol('single', [join(work, 'single-second')]));
      assert.deepEqual(
        [second.status, second.code, second.message, second.exit_code],
        ['error', 3005, 'Busy: concurrency limit reached: pol::single is already running 1 times', null],
      );
      assert.equal(existsSync(join(work, 'single-second')), false, 'the refused run started anyway');
      // Another command is not held up by this one's limit.
      assert.equal((await ask(daemon, pol('no-args'))).code, 0);
      assert.deepEqual([(await first).code, (await first).message], [0, 'single']);
      assert.equal((await ask(daemon, pol('single', [join(work, 'single-third')]))).message, 'single');
    });
  });

  describe('logmask', () => {
    it('the masked argument appears in no log line, at debug level, whatever the outcome', LIMIT, async () => {
      const ran = await ask(daemon, pol('login', ['alice', SECRET]));
      assert.deepEqual([ran.code, ran.message], [0, `alice ${SECRET}`]);
      assert.deepEqual((await auditOf(ran)).args, ['alice', '**MASKED**']);
      const rejected = await ask(daemon, pol('login', ['alice', SECRET, 'not allowed!']));
      assert.equal(rejected.code, 2002);
      assert.deepEqual((await auditOf(rejected)).args, ['alice', '**MASKED**', 'not allowed!']);
      const streamed = await daemon.request(pol('login', ['bob', SECRET], { stream: true }));
      assert.equal(streamed.at(-1)?.code, 0);
      await auditOf(streamed.at(-1) ?? {});
      // A request cut off mid-way (never parsed) and a reset: debug lines, still without the value.
      const socket = connect({ host: '127.0.0.1', port: daemon.port });
      socket.on('error', () => {});
      await once(socket, 'connect');
      socket.write(`{"auth_key":"${HASHED_KEY}","command":"pol::login","arguments":["carol","${SECRET}"`);
      await delay(100);
      socket.resetAndDestroy();
      await daemon.waitForLog((l) => l.level === 'debug' && l.msg === 'connection error');
      await delay(100); // a second line for the same reset would be in by now
      assert.equal(daemon.logs.filter((l) => l.msg === 'connection error').length, 1, 'one debug line a failed connection');
      const everything = JSON.stringify(daemon.logs) + daemon.stderr();
      assert.ok(!everything.includes(SECRET), 'the masked value is in the log');
      assert.ok(!everything.includes('masked-value'), 'part of the masked value is in the log');
    });
  });

  describe('shell', () => {
    it('shell = yes runs the line through /bin/sh -c; client arguments are positional parameters only', LIMIT, async () => {
      const marker = join(work, 'pwned');
      const attacks = [`$(touch ${marker})`, `; touch ${marker}`, `\`touch ${marker}\``, `| touch ${marker}`, `' && touch ${marker} '`];
      const answer = await ask(daemon, pol('sh', ['two words', ...attacks]));
      assert.equal(answer.code, 0);
      assert.equal(answer.message, `<two words>${attacks.map((attack) => `<${attack}>`).join('')} [sh]`);
      assert.equal(existsSync(marker), false);
    });
  });

  describe('on_disconnect', () => {
    it('kill: a client that goes away takes the whole process group with it', LIMIT, async () => {
      const dir = tempDir();
      await sendThenReset(daemon.port, pol('killable', [dir, '100']), () => existsSync(join(dir, 'child')) && readFileSync(join(dir, 'child'), 'utf8').endsWith('\n'));
      const leader = Number(readFileSync(join(dir, 'leader'), 'utf8'));
      const child = Number(readFileSync(join(dir, 'child'), 'utf8'));
      assert.ok(leader > 0 && child > 0);
      await waitFor('the process group to end', () => !isRunning(leader) && !isRunning(child));
      const line = await daemon.waitForLog((l) => l.msg === 'request' && l.command === 'killable' && Array.isArray(l.args) && l.args[0] === dir);
      assert.deepEqual([line.code, line.signal], [3007, 'SIGTERM']);
    });

    it('kill: a client that only closes its sending side is not gone; the command finishes', LIMIT, async () => {
      const dir = tempDir();
      const answer = await ask(daemon, pol('killable', [dir, '0.5']));
      assert.deepEqual([answer.code, answer.message], [0, 'finished']);
    });

    it('kill: in stream mode a client that closes is noticed at the next event written', LIMIT, async () => {
      const dir = tempDir();
      const socket = connect({ host: '127.0.0.1', port: daemon.port });
      socket.on('error', () => {});
      await once(socket, 'connect');
      socket.end(`${JSON.stringify(pol('ticking', [dir], { stream: true }))}\n`);
      // The first tick: the command runs. (White space may come first: the daemon probes a
      // half-closed client of an on_disconnect = kill command.)
      let seen = '';
      while (!seen.includes('tick')) seen += String((await once(socket, 'data'))[0]);
      socket.destroy(); // an ordinary close, no reset
      const leader = Number(readFileSync(join(dir, 'leader'), 'utf8'));
      await waitFor('the command to end', () => !isRunning(leader));
      const line = await daemon.waitForLog((l) => l.msg === 'request' && l.command === 'ticking' && Array.isArray(l.args) && l.args[0] === dir);
      assert.deepEqual([line.code, line.signal], [3007, 'SIGTERM']);
    });

    it('continue: the command runs to its end after the client went away, and the log records it', LIMIT, async () => {
      const dir = tempDir();
      await sendThenReset(daemon.port, pol('lingering', [dir]), () => existsSync(join(dir, 'leader')));
      const line = await daemon.waitForLog((l) => l.msg === 'request' && l.command === 'lingering' && Array.isArray(l.args) && l.args[0] === dir);
      assert.deepEqual([line.code, line.exit_code, line.signal], [0, 0, null]);
      assert.equal(readFileSync(join(dir, 'marker'), 'utf8'), 'done\n');
    });
  });
});

describe('shell = no in a --shell-exec daemon', () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: '[pol::literal]\ncommand = /bin/echo $HOME;x\nshell = no\n\n[pol::expanded]\ncommand = echo "[$1]"; echo second\n',
      args: ['--shell-exec'],
    });
  });
  after(async () => {
    await daemon.stop();
  });

  it('shell = no runs the line without a shell even when --shell-exec is on', LIMIT, async () => {
    assert.equal((await ask(daemon, pol('literal', ['$(id)']))).message, '$HOME;x $(id)');
    assert.equal((await ask(daemon, pol('expanded', ['$(id)']))).message, '[$(id)]\nsecond');
  });
});

describe('user = root from a daemon that is not root', { skip: packageOutOfNobodysReach }, () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: '[pol::as-root]\ncommand = /usr/bin/id -u\nuser = root\n\n[pol::as-daemon]\ncommand = /usr/bin/id -u\n',
      // As root, start this daemon as nobody: the same proof as on a machine where tests are not root.
      ...(isRoot ? { runAs: { uid: nobodyUid, gid: nobodyGid } } : {}),
    });
  });
  after(async () => {
    await daemon.stop();
  });

  it('is a clear 3004, and the daemon goes on serving', LIMIT, async () => {
    const ownUid = isRoot ? nobodyUid : (process.getuid?.() ?? -1);
    assert.notEqual(ownUid, 0);
    const answer = await ask(daemon, pol('as-root'));
    assert.deepEqual(
      [answer.status, answer.code, answer.message, answer.exit_code],
      ['error', 3004, 'Command could not be started: not permitted to run /usr/bin/id as the configured user or group (the daemon must run as root)', null],
    );
    assert.equal((await ask(daemon, pol('as-daemon'))).message, String(ownUid));
  });
});
