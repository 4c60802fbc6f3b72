// The road end to end against the real daemon: success, errors, codes, message rules, audit log.
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { ask, startDaemon, type DaemonHandle } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY, OPS_KEY, ORIGINAL_KEY, RELAYS_CONF, REMOTE_ONLY_KEY } from '../helpers/fixtures.js';

describe('relay road', () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS_CONF, args: ['--auth-fail-limit', '0'] });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('runs a command of the default cluster and answers the 2.2 fields', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['hello', 'world'], id: 'req-1' });
    assert.equal(answer.status, 'ok');
    assert.equal(answer.code, 0);
    assert.equal(answer.message, 'hello world');
    assert.equal(answer.exit_code, 0);
    assert.equal(answer.signal, null);
    assert.equal(answer.id, 'req-1');
    assert.equal(typeof answer.duration_ms, 'number');
    assert.match(String(answer.request_id), /^[0-9a-f-]{36}$/);
  });

  it('takes arguments as one string: a single argument', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: 'a  b' });
    assert.equal(answer.message, 'a  b');
    const two = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'printf', arguments: ['[%s]', 'a b'] });
    assert.equal(two.message, '[a b]');
  });

  it('accepts a request ended by closing the sending side, without a newline', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['x'] }, { newline: false });
    assert.equal(answer.message, 'x');
  });

  it('answers before the client closes when the request ends with a newline (nc without -N)', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['y'] }, { endAfterWrite: false });
    assert.equal(answer.message, 'y');
  });

  it('resolves cluster::name, splitting at the first ::', async () => {
    assert.equal((await ask(daemon, { auth_key: HASHED_KEY, command: 'secret::thing' })).message, 'secret');
    assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'default::echo', arguments: ['d'] })).message, 'd');
    const nested = await ask(daemon, { auth_key: HASHED_KEY, command: 'secret::thing::x' });
    assert.equal(nested.code, 2001);
  });

  it('keeps % literal and ; inside a configured line', async () => {
    assert.match(String((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'date' })).message), /^\d{10,}$/);
    assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'semi' })).message, 'a\nb');
  });

  it('answers 1000 alike for an unknown key, a key not allowed the cluster, and a refused address', async () => {
    const unknown = await ask(daemon, { auth_key: 'nope', command: 'echo' });
    const notAllowed = await ask(daemon, { auth_key: OPS_KEY, command: 'echo' });
    const address = await ask(daemon, { auth_key: REMOTE_ONLY_KEY, command: 'echo' });
    for (const answer of [unknown, notAllowed, address]) {
      assert.equal(answer.status, 'error');
      assert.equal(answer.code, 1000);
      assert.equal(answer.message, 'Authentication failed');
      assert.equal(answer.exit_code, null);
    }
    await daemon.waitForLog((l) => l.reason === 'source address not allowed' && l.key === 'remote-only');
    await daemon.waitForLog((l) => l.reason === 'key not allowed this cluster' && l.key === 'ops-only');
    await daemon.waitForLog((l) => l.reason === 'unknown key' && l.level === 'warn');
  });

  it('tells an unauthenticated caller nothing about what exists', async () => {
    const existing = await ask(daemon, { auth_key: 'nope', command: 'secret::thing' });
    const missing = await ask(daemon, { auth_key: 'nope', command: 'nowhere::nothing' });
    assert.deepEqual([existing.code, existing.message], [missing.code, missing.message]);
  });

  it('answers 2000 for an unknown cluster (key allowed *) and 2001 for an unknown command', async () => {
    const cluster = await ask(daemon, { auth_key: HASHED_KEY, command: 'nowhere::x' });
    assert.deepEqual([cluster.code, cluster.message], [2000, 'Unknown cluster: nowhere']);
    const command = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'nothing' });
    assert.deepEqual([command.code, command.message], [2001, 'Unknown command: default::nothing']);
  });

  it('answers 3001 with stderr, or "Command exited with code N" when stderr is empty', async () => {
    const withStderr = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'fail' });
    assert.deepEqual([withStderr.status, withStderr.code, withStderr.message, withStderr.exit_code], ['error', 3001, 'oops', 3]);
    const silent = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'silentfail' });
    assert.deepEqual([silent.code, silent.message, silent.exit_code], [3001, 'Command exited with code 4', 4]);
  });

  it('answers 3004 when the program cannot start', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'missing' });
    assert.equal(answer.code, 3004);
    assert.match(String(answer.message), /^Command could not be started: /);
    assert.equal(answer.exit_code, null);
  });

  it('answers 3006 when the command dies of a signal it did not get from the daemon', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'selfkill' });
    assert.deepEqual([answer.code, answer.signal, answer.exit_code], [3006, 'SIGSEGV', null]);
  });

  it('gives the command empty stdin and only the documented environment', async () => {
    assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'cat' })).message, '');
    const env = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'env' });
    const names = String(env.message)
      .split('\n')
      .map((line) => line.split('=')[0])
      .sort();
    const expected = ['HOME', 'LOGNAME', 'SHELL', 'USER', 'REMOTE_ADDR', 'REMOTE_PORT', 'USCMDRELAY_CLUSTER', 'USCMDRELAY_COMMAND', 'USCMDRELAY_KEY', 'USCMDRELAY_REQUEST_ID'];
    for (const name of ['LANG', 'PATH']) if (process.env[name] !== undefined) expected.push(name);
    assert.deepEqual(names, expected.sort());
    assert.match(String(env.message), /^USCMDRELAY_KEY=sha256:[0-9a-f]{12}$/m);
    assert.match(String(env.message), /^USCMDRELAY_CLUSTER=default$/m);
    assert.match(String(env.message), /^REMOTE_ADDR=127\.0\.0\.1$/m);
    // SPEC 5.1: the passwd entry of the user the command runs as (here the daemon's own).
    const me = userInfo();
    for (const line of [`HOME=${me.homedir}`, `USER=${me.username}`, `LOGNAME=${me.username}`, `SHELL=${me.shell}`]) {
      assert.ok(String(env.message).split('\n').includes(line), line);
    }
  });

  it('writes one audit line per request with the SPEC 4 fields, and never the key', async () => {
    const answer = await ask(daemon, { auth_key: HASHED_KEY, command: 'ops::id', id: 'audit-me' });
    const line = await daemon.waitForLog((l) => l.request_id === answer.request_id && l.msg === 'request');
    assert.equal(line.level, 'info');
    assert.equal(line.key, 'ci-runner');
    assert.equal(line.cluster, 'ops');
    assert.equal(line.command, 'id');
    assert.deepEqual(line.args, []);
    assert.equal(line.code, 0);
    assert.equal(line.exit_code, 0);
    assert.equal(line.signal, null);
    assert.equal(typeof line.duration_ms, 'number');
    assert.match(String(line.remote), /^127\.0\.0\.1:\d+$/);
    const everything = JSON.stringify(daemon.logs);
    for (const key of [ORIGINAL_KEY, HASHED_KEY, REMOTE_ONLY_KEY, OPS_KEY]) assert.ok(!everything.includes(key), `key ${key} in the log`);
  });
});
