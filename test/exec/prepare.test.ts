// prepareRun: argv, shell mode, environment, payload, limits.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareRun } from '../../src/exec/index.js';
import type { PreparedRun } from '../../src/exec/index.js';
import { makeCommand, makeInput, runCommand, shellCommand, tempDir } from './helpers.js';

// Prepares, runs and cleans up, as the relay core does.
async function prepareAndRun(...args: Parameters<typeof prepareRun>) {
  const prepared = await prepareRun(...args);
  try {
    return { prepared, result: await runCommand(prepared.plan) };
  } finally {
    await prepared.cleanup();
  }
}

// Strings a client might send hoping a shell interprets them; each would create a marker file.
function hostileArguments(dir: string): string[] {
  return [
    `$(touch ${dir}/m1)`,
    `; touch ${dir}/m2`,
    `\`touch ${dir}/m3\``,
    `&& touch ${dir}/m4`,
    `| touch ${dir}/m5`,
    `'; touch ${dir}/m6; '`,
    `"; touch ${dir}/m7; "`,
    `\n touch ${dir}/m8`,
    `$(IFS=x; touch ${dir}/m9)`,
  ];
}

test('argv = the configured command line + client arguments', { timeout: 60_000 }, async () => {
  const command = makeCommand({ line: '/usr/bin/printf "[%s]" fixed', argv: ['/usr/bin/printf', '[%s]', 'fixed'] });
  const { prepared, result } = await prepareAndRun(command, makeInput({ args: ['c1', 'c 2'] }));
  assert.deepEqual(prepared.plan.argv, ['/usr/bin/printf', '[%s]', 'fixed', 'c1', 'c 2']);
  assert.equal(result.stdout, '[fixed][c1][c 2]');
});

test('shell mode: the line is the script, the name is $0, client arguments are $1…', { timeout: 60_000 }, async () => {
  const command = shellCommand('echo "$0|$#|$1|$2"; echo "$@"', { name: 'greet' });
  const { prepared, result } = await prepareAndRun(command, makeInput({ args: ['one', 'two words'] }));
  assert.deepEqual(prepared.plan.argv, ['/bin/sh', '-c', 'echo "$0|$#|$1|$2"; echo "$@"', 'greet', 'one', 'two words']);
  assert.equal(result.stdout, 'greet|2|one|two words\none two words\n');
});

test('shell mode: client arguments are never shell text', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const args = hostileArguments(dir);
  const { result } = await prepareAndRun(shellCommand(`printf '%s\\n' "$@"`), makeInput({ args }));
  assert.equal(result.outcome, 'exited');
  assert.equal(result.stdout, args.map((a) => `${a}\n`).join(''));
  assert.deepEqual(readdirSync(dir), []);
});

test('shell mode: even an unquoted $1 in the script is only split, not evaluated', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const args = hostileArguments(dir);
  const { result } = await prepareAndRun(shellCommand('echo $1 $2 $3 $4 $5 $6 $7 $8 $9'), makeInput({ args }));
  assert.equal(result.outcome, 'exited');
  assert.deepEqual(readdirSync(dir), []);
});

test('direct mode: client arguments are never shell text either', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const args = hostileArguments(dir);
  const command = makeCommand({ line: '/usr/bin/printf "%s\\n"', argv: ['/usr/bin/printf', '%s\\n'] });
  const { result } = await prepareAndRun(command, makeInput({ args }));
  assert.equal(result.stdout, args.map((a) => `${a}\n`).join(''));
  assert.deepEqual(readdirSync(dir), []);
});

test('the environment is exactly the expected set', { timeout: 60_000 }, async () => {
  const saved = { ...process.env };
  process.env.USCMDRELAY_TEST_SECRET = 'must-not-leak';
  process.env.USCMDRELAY_TEST_PASSED = 'passed-value';
  process.env.LANG = 'C.UTF-8';
  delete process.env.USCMDRELAY_TEST_UNSET;
  try {
    const command = makeCommand({
      line: '/usr/bin/env',
      argv: ['/usr/bin/env'],
      env: new Map([
        ['FOO', 'bar baz'],
        ['EMPTY', ''],
      ]),
      passEnv: ['USCMDRELAY_TEST_PASSED', 'USCMDRELAY_TEST_UNSET'],
    });
    const { result } = await prepareAndRun(command, makeInput());
    const seen = Object.fromEntries(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    assert.deepEqual(seen, {
      PATH: process.env.PATH,
      LANG: 'C.UTF-8',
      HOME: userInfo().homedir,
      USER: userInfo().username,
      LOGNAME: userInfo().username,
      SHELL: userInfo().shell,
      USCMDRELAY_REQUEST_ID: 'req-1',
      USCMDRELAY_KEY: 'ci-runner',
      USCMDRELAY_CLUSTER: 'default',
      USCMDRELAY_COMMAND: 'test-cmd',
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_PORT: '40000',
      FOO: 'bar baz',
      EMPTY: '',
      USCMDRELAY_TEST_PASSED: 'passed-value',
    });
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
});

test('LANG is left out when the daemon has none; a variable named __proto__ is only a name', { timeout: 60_000 }, async () => {
  const savedLang = process.env.LANG;
  delete process.env.LANG;
  try {
    const command = makeCommand({ env: new Map([['__proto__', 'x']]) });
    const prepared = await prepareRun(command, makeInput());
    assert.equal(Object.hasOwn(prepared.plan.env, 'LANG'), false);
    assert.equal(Object.hasOwn(prepared.plan.env, '__proto__'), true);
    assert.equal(Object.getPrototypeOf(prepared.plan.env), Object.prototype);
    assert.deepEqual(Object.keys(prepared.plan.env), [
      'PATH',
      'HOME',
      'USER',
      'LOGNAME',
      'SHELL',
      'USCMDRELAY_REQUEST_ID',
      'USCMDRELAY_KEY',
      'USCMDRELAY_CLUSTER',
      'USCMDRELAY_COMMAND',
      'REMOTE_ADDR',
      'REMOTE_PORT',
      '__proto__',
    ]);
  } finally {
    if (savedLang !== undefined) process.env.LANG = savedLang;
  }
});

test('payload = stdin: the payload is the command’s standard input', { timeout: 60_000 }, async () => {
  const command = makeCommand({ line: '/bin/cat', argv: ['/bin/cat'], payload: 'stdin' });
  const { prepared, result } = await prepareAndRun(command, makeInput({ payload: Buffer.from('line1\nline2\n') }));
  assert.deepEqual(prepared.plan.argv, ['/bin/cat']);
  assert.equal(result.stdout, 'line1\nline2\n');
});

test('payload = stdin without a payload: stdin stays empty', { timeout: 60_000 }, async () => {
  const command = makeCommand({ line: '/bin/cat', argv: ['/bin/cat'], payload: 'stdin' });
  const { prepared, result } = await prepareAndRun(command, makeInput({ payload: null }));
  assert.equal(prepared.plan.stdin, null);
  assert.equal(result.stdout, '');
});

test('payload = file: a read-only 0400 file in a 0700 directory, first argument after the command line', { timeout: 60_000 }, async () => {
  const payload = Buffer.from('secret payload\n');
  const command = makeCommand({
    line: '/bin/sh -c script',
    argv: ['/bin/sh', '-c', 'stat -c "%a %s" "$0" "$(dirname "$0")"; cat "$0"; echo "$0"; echo "$1"'],
    payload: 'file',
  });
  const { prepared, result } = await prepareAndRun(command, makeInput({ payload, args: ['client-arg'] }));
  const path = prepared.plan.argv[3] ?? '';
  assert.equal(prepared.plan.argv.length, 5);
  assert.equal(prepared.plan.argv[4], 'client-arg');
  assert.equal(result.stdout, `400 ${payload.length}\n700 ${statSizeOfDir(result.stdout)}\nsecret payload\n${path}\nclient-arg\n`);
  assert.equal(existsSync(path), false, 'removed after success');
  assert.equal(existsSync(join(path, '..')), false, 'its directory too');
});

// The directory's size as stat printed it (file systems differ).
function statSizeOfDir(stdout: string): string {
  return stdout.split('\n')[1]?.split(' ')[1] ?? '';
}

test('payload = file: direct mode puts the path before the client arguments', { timeout: 60_000 }, async () => {
  const command = makeCommand({ line: '/bin/echo fixed', argv: ['/bin/echo', 'fixed'], payload: 'file' });
  const { prepared, result } = await prepareAndRun(command, makeInput({ payload: Buffer.from('x'), args: ['c1'] }));
  const path = prepared.plan.argv[2] ?? '';
  assert.match(path, /\/uscmdrelay-[^/]+\/payload$/);
  assert.equal(result.stdout, `fixed ${path} c1\n`);
});

test('payload = file in shell mode: the path is $1, client arguments follow', { timeout: 60_000 }, async () => {
  const command = shellCommand('cat "$1"; echo " $# $2"', { payload: 'file' });
  const { result } = await prepareAndRun(command, makeInput({ payload: Buffer.from('data'), args: ['c1'] }));
  assert.equal(result.stdout, 'data 2 c1\n');
});

test('payload = file: binary content is written exactly', { timeout: 60_000 }, async () => {
  const payload = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const command = makeCommand({ line: 'od', argv: ['/usr/bin/od', '-An', '-v', '-tu1'], payload: 'file' });
  const { result } = await prepareAndRun(command, makeInput({ payload }));
  assert.equal(result.stdout.trim().split(/\s+/).join(' '), [...payload].join(' '));
});

test('payload = file: removed after failure and after timeout; cleanup is idempotent', { timeout: 60_000 }, async () => {
  for (const [line, timeoutMs, outcome] of [
    ['exit 3', 0, 'exited'],
    // Naming "$1" (the payload file) keeps shell mode from appending "$@" to sleep's arguments.
    [': "$1"; sleep 100', 200, 'timeout'],
  ] as const) {
    const command = shellCommand(line, { payload: 'file', timeoutMs });
    const prepared: PreparedRun = await prepareRun(command, makeInput({ payload: Buffer.from('p') }));
    const path = prepared.plan.argv[4] ?? '';
    assert.equal(existsSync(path), true, 'written before the start');
    const result = await runCommand(prepared.plan);
    assert.equal(result.outcome, outcome);
    await prepared.cleanup();
    await prepared.cleanup();
    assert.equal(existsSync(path), false);
  }
});

test('payload = none: a payload is neither passed on stdin nor as a file', { timeout: 60_000 }, async () => {
  const prepared = await prepareRun(makeCommand({ payload: 'none' }), makeInput({ payload: Buffer.from('x') }));
  assert.equal(prepared.plan.stdin, null);
  assert.deepEqual(prepared.plan.argv, ['/bin/true']);
});

test('limits and policies are carried into the plan', { timeout: 60_000 }, async () => {
  const gone = new AbortController();
  const cancel = new AbortController();
  const command = makeCommand({ timeoutMs: 60_000, maxOutput: 1234, cwd: '/tmp', onDisconnect: 'kill' });
  const onOutput = () => {};
  const prepared = await prepareRun(
    command,
    makeInput({ onOutput, clientGone: gone.signal, cancel: cancel.signal, requestTimeoutMs: 5000 }),
  );
  const plan = prepared.plan;
  assert.equal(plan.timeoutMs, 5000);
  assert.equal(plan.maxOutput, 1234);
  assert.equal(plan.cwd, '/tmp');
  assert.equal(plan.uid, null);
  assert.equal(plan.gid, null);
  assert.equal(plan.killOnDisconnect, true);
  assert.equal(plan.onOutput, onOutput);
  assert.equal(plan.clientGone, gone.signal);
  assert.equal(plan.cancel, cancel.signal);
  const streaming = await prepareRun(makeCommand({ uid: 65534, gid: 65533 }), makeInput({ stream: true }));
  assert.equal(streaming.plan.maxOutput, null);
  assert.equal(streaming.plan.killOnDisconnect, false);
  assert.equal(streaming.plan.uid, 65534);
  assert.equal(streaming.plan.gid, 65533);
});

test('a request timeout may only lower the command’s', { timeout: 60_000 }, async () => {
  const cases: [number, number | null, number][] = [
    [60_000, null, 60_000],
    [60_000, 5_000, 5_000],
    [60_000, 120_000, 60_000],
    [0, 5_000, 5_000],
    [0, null, 0],
    [60_000, 0, 60_000],
  ];
  for (const [commandMs, requestMs, expected] of cases) {
    const prepared = await prepareRun(makeCommand({ timeoutMs: commandMs }), makeInput({ requestTimeoutMs: requestMs }));
    assert.equal(prepared.plan.timeoutMs, expected, `command ${commandMs}, request ${requestMs}`);
  }
});
