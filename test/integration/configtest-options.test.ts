// `uscmdrelay configtest` and `serve` on relays.conf files with a bad [cluster::name] option
// (SPEC 1, 3.4, 5.2), as an operator runs them: each problem printed with file, line, section
// and option, exit 2, nothing bound; a SIGHUP to such a file keeps the old configuration.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ask, CLI, startDaemon, tempDir, writeConfig } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY } from '../helpers/fixtures.js';

const LIMIT = { timeout: 60_000 };
const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 10_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// A good plain command first, then the section under test: its bad option is on line 7.
const relaysWith = (option: string, value: string): string =>
  `[default]\necho = /bin/echo\n\n[ops::restart]\ncommand = /bin/true\ndescription = fine\n${option} = ${value}\n`;

const KNOWN =
  'command, description, timeout, max_output, user, group, cwd, env, pass_env, args, arg_pattern, payload, max_payload, concurrency, logmask, shell, on_disconnect';
const BYTES = 'must be a whole number of bytes >= 1, optionally with K, M or G (KiB, MiB, GiB)';

// option, bad value, the message configtest prints for it.
const BAD_OPTIONS: Array<[string, string, string]> = [
  ['colour', 'blue', `unknown option (known: ${KNOWN})`],
  ['timout', '5', `unknown option (known: ${KNOWN})`],
  ['timeout', 'soon', 'must be a number of seconds >= 0 (0 = no limit)'],
  ['timeout', '-1', 'must be a number of seconds >= 0 (0 = no limit)'],
  ['timeout', '9999999', 'must be at most 2147483 seconds (0 = no limit)'],
  ['max_output', '0', BYTES],
  ['max_output', '10T', BYTES],
  ['max_payload', 'lots', BYTES],
  ['concurrency', '0', 'must be a whole number >= 1'],
  ['concurrency', '1.5', 'must be a whole number >= 1'],
  ['arg_pattern', '([a-z]', 'not a valid regular expression: Invalid regular expression: /([a-z]/u: Unterminated group'],
  ['arg_pattern', '[a-z]+)|(.*', "not a valid regular expression: Invalid regular expression: /[a-z]+)|(.*/u: Unmatched ')'"],
  ['user', 'no-such-user-4242', 'no such user: no-such-user-4242'],
  ['group', 'no-such-group-4242', 'no such group: no-such-group-4242'],
  ['payload', 'pipe', 'must be one of: none, stdin, file'],
  ['args', '3-1', 'the range 3-1 is empty: M must not exceed N'],
  ['args', 'some', 'must be none, any, N (at most N arguments) or M-N'],
  ['logmask', '0', '"0" is not an argument position (1 is the first client argument)'],
  ['shell', 'maybe', 'must be yes or no (also 1/0, true/false, on/off)'],
  ['on_disconnect', 'stop', 'must be one of: continue, kill'],
  ['cwd', 'relative/dir', 'must be an absolute path'],
  ['cwd', '/nonexistent-dir-4242', 'no such directory'],
  ['env', 'NOEQUALS', '"NOEQUALS" is not NAME=value'],
  ['pass_env', '1BAD', '"1BAD" is not a variable name ([A-Za-z_][A-Za-z0-9_]*)'],
];

describe('configtest and serve on bad [cluster::name] options', () => {
  it('configtest accepts a section that uses every option correctly', LIMIT, async () => {
    const dir = tempDir();
    writeConfig(dir, {
      auth: AUTH_CONF,
      relays: `[ops::everything]
command = /bin/echo
description = every option at once
timeout = 1.5
max_output = 64K
user = nobody
group = nogroup
cwd = /tmp
env = A=1 B="two words"
pass_env = HOME, LANG
args = 0-3
arg_pattern = [a-z0-9-]+
payload = file
max_payload = 1M
concurrency = 2
logmask = 1 3
shell = no
on_disconnect = kill
`,
    });
    const result = await cli(['configtest', '--config-dir', dir]);
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, 'Config OK\n', '']);
  });

  for (const [option, value, message] of BAD_OPTIONS) {
    it(`${option} = ${value}: configtest names file, line, section and option, exit 2; serve refuses to start`, LIMIT, async () => {
      const dir = tempDir();
      writeConfig(dir, { auth: AUTH_CONF, relays: relaysWith(option, value) });
      const expected = `${join(dir, 'relays.conf')}:7: [ops::restart] ${option}: ${message}\n`;

      const test = await cli(['configtest', '--config-dir', dir]);
      assert.deepEqual([test.code, test.stdout, test.stderr], [2, '', expected]);

      const serve = await cli(['serve', '--port', '0', '--config-dir', dir]);
      assert.equal(serve.code, 2);
      assert.ok(!serve.stdout.includes('"listening"'), serve.stdout);
      assert.ok(serve.stderr.includes(expected), serve.stderr);
    });
  }

  it('prints every problem of every section, one a line', LIMIT, async () => {
    const dir = tempDir();
    const relays =
      '[ops::first]\ncommand = /bin/true\ntimeout = soon\nargs = 3-1\n\n' +
      '[ops::second]\ncommand = /bin/true\npayload = pipe\nuser = no-such-user-4242\ncolour = blue\n';
    writeConfig(dir, { auth: AUTH_CONF, relays });
    const file = join(dir, 'relays.conf');
    const result = await cli(['configtest', '--config-dir', dir]);
    assert.equal(result.code, 2);
    // In reading order, although the checks run in several passes.
    assert.deepEqual(result.stderr.trimEnd().split('\n'), [
      `${file}:3: [ops::first] timeout: must be a number of seconds >= 0 (0 = no limit)`,
      `${file}:4: [ops::first] args: the range 3-1 is empty: M must not exceed N`,
      `${file}:8: [ops::second] payload: must be one of: none, stdin, file`,
      `${file}:9: [ops::second] user: no such user: no-such-user-4242`,
      `${file}:10: [ops::second] colour: unknown option (known: ${KNOWN})`,
    ]);
  });

  it('a section without command is a problem named after the section', LIMIT, async () => {
    const dir = tempDir();
    writeConfig(dir, { auth: AUTH_CONF, relays: '[ops::empty]\ntimeout = 5\n' });
    const result = await cli(['configtest', '--config-dir', dir]);
    assert.deepEqual([result.code, result.stderr], [2, `${join(dir, 'relays.conf')}:1: [ops::empty] command: required\n`]);
  });

  it('SIGHUP to a file with a bad option keeps the old configuration and logs the problem', LIMIT, async () => {
    const daemon = await startDaemon({ auth: AUTH_CONF, relays: '[ops::restart]\ncommand = /bin/echo old\ntimeout = 5\n' });
    try {
      const file = join(daemon.dir, 'relays.conf');
      writeFileSync(file, '[ops::restart]\ncommand = /bin/echo new\ntimeout = soon\n\n[ops::added]\ncommand = /bin/echo added\n');
      daemon.proc.kill('SIGHUP');
      const failed = await daemon.waitForLog((l) => l.msg === 'configuration reload failed; keeping the old configuration');
      assert.deepEqual(failed.problems, [`${file}:3: [ops::restart] timeout: must be a number of seconds >= 0 (0 = no limit)`]);
      assert.equal((await ask(daemon, { auth_key: HASHED_KEY, command: 'ops::restart' })).message, 'old');
      assert.equal((await ask(daemon, { auth_key: HASHED_KEY, command: 'ops::added' })).code, 2001);
    } finally {
      await daemon.stop();
    }
  });
});
