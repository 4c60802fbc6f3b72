// The client against the real daemon (built, run as a child): `uscmdrelay call`, `list` and
// `key`, their output and exit statuses, the library API, and a key revoked after SIGHUP.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { call, callStream, ClientError, codes, list, type CallEvent } from '../../src/index.js';
import { CLI, startDaemon, tempDir, type DaemonHandle, type LogLine } from '../helpers/daemon.js';
import { runCli } from './run-cli.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const KEY = 'client-e2e-key-0123456789';
const OPS_KEY = 'client-e2e-ops-key';

const AUTH = `[cli]
key_sha256 = ${sha256(KEY)}
auth_clusters = default

[ops]
key_sha256 = ${sha256(OPS_KEY)}
auth_clusters = ops
`;

const RELAYS = `[default]
echo = /bin/echo
fail = /bin/sh -c "echo out; echo oops >&2; exit 3"
silentfail = /bin/sh -c "exit 4"
selfkill = /bin/sh -c "kill -SEGV $$"
sleep = /bin/sleep
seq = /usr/bin/seq

[default::cat]
command = /bin/cat
payload = stdin
description = echo the payload

[default::count]
command = /usr/bin/wc -c
payload = stdin

[ops]
id = /usr/bin/id -u

[ops::restart]
command = /bin/echo restarted
description = Restart the app
`;

// Resolves once `count` log lines match (waitForLog alone returns the first one ever seen).
async function waitForCount(daemon: DaemonHandle, match: (line: LogLine) => boolean, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (daemon.logs.filter(match).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} matching log lines; stderr: ${daemon.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('client end to end', () => {
  let daemon: DaemonHandle;
  let env: Record<string, string>;
  const cli = (args: string[], extra: Record<string, string> = {}, stdin?: string) =>
    runCli(args, { env: { ...env, ...extra }, ...(stdin === undefined ? {} : { stdin }) });

  before(async () => {
    daemon = await startDaemon({ auth: AUTH, relays: RELAYS });
    env = { USCMDRELAY_KEY: KEY, USCMDRELAY_PORT: String(daemon.port) };
  });
  after(async () => {
    await daemon.stop();
  });

  describe('uscmdrelay call', () => {
    it('prints the output and exits 0', async () => {
      const result = await cli(['call', 'echo', 'hello', 'world']);
      assert.deepEqual(result, { status: 0, signal: null, stdout: 'hello world\n', stderr: '' });
    });

    it('passes arguments that look like flags, before and after --', async () => {
      // echo -n: no newline from echo; the response message is trimmed and printed with one.
      assert.equal((await cli(['call', 'default::echo', '-n', 'x'])).stdout, 'x\n');
      assert.equal((await cli(['call', 'echo', '--', '--json', '-e'])).stdout, '--json -e\n');
    });

    it('exits with the command status, its stderr on stderr', async () => {
      assert.deepEqual(await cli(['call', 'fail']), { status: 3, signal: null, stdout: '', stderr: 'oops\n' });
      const silent = await cli(['call', 'silentfail']);
      assert.equal(silent.status, 4);
      assert.equal(silent.stderr, 'Command exited with code 4\n');
    });

    it('--stream writes stdout and stderr as they come', async () => {
      assert.deepEqual(await cli(['call', '--stream', 'fail']), { status: 3, signal: null, stdout: 'out\n', stderr: 'oops\n' });
    });

    it('--json prints the raw response lines and still exits with the status', async () => {
      const result = await cli(['call', '--json', 'fail']);
      assert.equal(result.status, 3);
      const lines = result.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 1);
      const response = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.equal(response.code, codes.EXIT_NONZERO.code);
      assert.equal(response.message, 'oops');
      const streamed = await cli(['call', '--json', '--stream', 'fail']);
      assert.deepEqual(
        streamed.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).map((line) => line.event ?? line.code),
        ['stdout', 'stderr', 3001],
      );
    });

    it('a signal death exits 128 + signal', async () => {
      const result = await cli(['call', 'selfkill']);
      assert.equal(result.status, 139);
      assert.match(result.stderr, /^uscmdrelay: error 3006: /);
    });

    it('relay refusals exit with their documented statuses', async () => {
      const unknown = await cli(['call', 'nope']);
      assert.deepEqual(unknown, { status: 252, signal: null, stdout: '', stderr: 'uscmdrelay: error 2001: Unknown command: default::nope\n' });
      const otherCluster = await cli(['call', 'ops::id']);
      assert.equal(otherCluster.status, 251);
      assert.equal(otherCluster.stderr, 'uscmdrelay: error 1000: Authentication failed\n');
      const badKey = await cli(['call', 'echo', 'x'], { USCMDRELAY_KEY: 'wrong' });
      assert.equal(badKey.status, 251);
      const timedOut = await cli(['call', '--timeout', '0.3', 'sleep', '5']);
      assert.equal(timedOut.status, 124);
      assert.match(timedOut.stderr, /^uscmdrelay: error 3002: /);
      const payloadRefused = await cli(['call', '--payload', '-', 'echo'], {}, 'data');
      assert.equal(payloadRefused.status, 253);
      assert.match(payloadRefused.stderr, /error 2004/);
    });

    it('--payload - sends standard input; --payload FILE a file', async () => {
      assert.deepEqual(await cli(['call', '--payload', '-', 'cat'], {}, 'from stdin\n'), { status: 0, signal: null, stdout: 'from stdin\n', stderr: '' });
      const file = join(tempDir(), 'payload.bin');
      writeFileSync(file, Buffer.from([0xff, 0x00, 0x01, 0x0a]));
      assert.equal((await cli(['call', '--payload', file, 'count'])).stdout, '4\n');
    });

    it('reads the key from --key-file and warns when others may read it', async () => {
      const file = join(tempDir(), 'key');
      writeFileSync(file, `${KEY}\n`);
      chmodSync(file, 0o600);
      assert.deepEqual(await cli(['call', '--key-file', file, 'echo', 'ok'], { USCMDRELAY_KEY: '' }), { status: 0, signal: null, stdout: 'ok\n', stderr: '' });
      chmodSync(file, 0o640);
      const loose = await cli(['call', '--key-file', file, 'echo', 'ok'], { USCMDRELAY_KEY: '' });
      assert.equal(loose.status, 0);
      assert.equal(loose.stderr, `uscmdrelay: warning: key file ${file} is accessible by group or others (mode 640); run chmod 600 ${file}\n`);
    });

    it('without a key: a usage error, nothing sent', async () => {
      const result = await cli(['call', 'echo'], { USCMDRELAY_KEY: '' });
      assert.deepEqual(result, { status: 2, signal: null, stdout: '', stderr: 'uscmdrelay: no key: give --key-file FILE or set USCMDRELAY_KEY\n' });
    });

    it('has no --key flag (a key on the command line shows in ps)', async () => {
      const result = await cli(['call', '--key', KEY, 'echo'], { USCMDRELAY_KEY: '' });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /no key: give --key-file FILE or set USCMDRELAY_KEY/);
    });

    it('a reader that goes away ends it quietly with 141, as SIGPIPE would', async () => {
      const { spawnSync } = await import('node:child_process');
      for (const mode of ['--stream', '--json']) {
        const script = `"${process.execPath}" "${CLI}" call ${mode} seq 1 300000 | head -c 10; exit \${PIPESTATUS[0]}`;
        const run = spawnSync('/bin/bash', ['-c', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
        assert.equal(run.status, 141, `${run.stderr} ${String(run.error)} ${run.signal}`);
        assert.equal(run.stderr, '');
      }
    });

    it('connection refused exits 255', async () => {
      const result = await cli(['call', '--port', '1', 'echo']);
      assert.deepEqual(result, { status: 255, signal: null, stdout: '', stderr: 'uscmdrelay: cannot connect to 127.0.0.1:1: connection refused (is the relay running on that port?)\n' });
    });
  });

  describe('uscmdrelay list', () => {
    it('shows only what the key may run, with descriptions', async () => {
      const mine = await cli(['list']);
      assert.equal(mine.status, 0);
      assert.equal(mine.stdout, ['default::cat         echo the payload', 'default::count', 'default::echo', 'default::fail', 'default::selfkill', 'default::seq', 'default::silentfail', 'default::sleep', ''].join('\n'));
      const ops = await cli(['list'], { USCMDRELAY_KEY: OPS_KEY });
      assert.equal(ops.stdout, 'ops::id\nops::restart  Restart the app\n');
      const json = await cli(['list', '--json'], { USCMDRELAY_KEY: OPS_KEY });
      const response = JSON.parse(json.stdout) as { message: string; commands: unknown };
      assert.equal(response.message, '2 commands');
      assert.deepEqual(response.commands, [
        { command: 'ops::id', description: '', args: { min: 0, max: null }, payload: 'none' },
        { command: 'ops::restart', description: 'Restart the app', args: { min: 0, max: null }, payload: 'none' },
      ]);
    });

    it('an unknown key learns nothing', async () => {
      assert.deepEqual(await cli(['list'], { USCMDRELAY_KEY: 'nobody' }), { status: 251, signal: null, stdout: '', stderr: 'uscmdrelay: error 1000: Authentication failed\n' });
    });
  });

  describe('library', () => {
    it('call resolves with the response, errors included', async () => {
      const ok = await call({ port: daemon.port, key: KEY, command: 'echo', args: ['a', 'b c'], id: 'lib-1' });
      assert.equal(ok.message, 'a b c');
      assert.equal(ok.id, 'lib-1');
      const refused = await call({ port: daemon.port, key: KEY, command: 'nope' });
      assert.equal(refused.code, codes.UNKNOWN_COMMAND.code);
      const binary = await call({ port: daemon.port, key: KEY, command: 'count', payload: Buffer.from([0, 0xfe, 0xff]) });
      assert.equal(binary.message, '3');
    });

    it('callStream yields the events then the result', async () => {
      const events: CallEvent[] = [];
      for await (const event of callStream({ port: daemon.port, key: KEY, command: 'fail' })) events.push(event);
      assert.deepEqual(events.slice(0, 2), [
        { event: 'stdout', data: 'out\n' },
        { event: 'stderr', data: 'oops\n' },
      ]);
      const last = events[2];
      assert.ok(last?.event === 'result');
      assert.equal(last.response.exit_code, 3);
      assert.equal(events.length, 3);
    });

    it('list resolves with the permitted commands', async () => {
      const result = await list({ port: daemon.port, key: OPS_KEY });
      assert.deepEqual(result.commands.map((entry) => entry.command), ['ops::id', 'ops::restart']);
    });

    it('rejects with ClientError when nothing listens', async () => {
      await assert.rejects(call({ port: 1, key: KEY, command: 'echo' }), (error: unknown) => error instanceof ClientError && error.kind === 'connect');
    });

    it("is importable as 'uscmdrelay' from another project, schemas included", async () => {
      const project = tempDir('uscmdrelay-consumer-');
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(join(import.meta.dirname, '..', '..'), join(project, 'node_modules', 'uscmdrelay'));
      writeFileSync(
        join(project, 'main.mjs'),
        `import { call, codes } from 'uscmdrelay';
import schema from 'uscmdrelay/schemas/request.schema.json' with { type: 'json' };
const response = await call({ port: Number(process.argv[2]), key: process.argv[3], command: 'echo', args: ['from', 'a', 'package'] });
console.log(JSON.stringify({ message: response.message, ok: response.code === codes.OK.code, required: schema.required }));
`,
      );
      const { spawnSync } = await import('node:child_process');
      const run = spawnSync(process.execPath, [join(project, 'main.mjs'), String(daemon.port), KEY], { cwd: project, encoding: 'utf8' });
      assert.equal(run.stderr, '');
      assert.deepEqual(JSON.parse(run.stdout), { message: 'from a package', ok: true, required: ['auth_key'] });
    });
  });

  describe('uscmdrelay key', () => {
    it('a new key works after SIGHUP, and a revoked one stops working after the next', async () => {
      const reloaded = (line: LogLine) => line.msg === 'configuration reloaded';
      const before = daemon.logs.filter(reloaded).length;
      const made = await runCli(['key', 'new', 'e2e-new', '--clusters', 'default', '--description', 'made by the test', '--config-dir', daemon.dir]);
      assert.equal(made.status, 0, made.stderr);
      const key = made.stdout.trim();
      assert.match(key, /^[A-Za-z0-9_-]{43}$/);
      daemon.proc.kill('SIGHUP');
      await waitForCount(daemon, reloaded, before + 1);
      assert.deepEqual(await cli(['call', 'echo', 'new', 'key'], { USCMDRELAY_KEY: key }), { status: 0, signal: null, stdout: 'new key\n', stderr: '' });

      const listed = await runCli(['key', 'list', '--config-dir', daemon.dir]);
      assert.match(listed.stdout, /^e2e-new +hashed +default +- +made by the test$/m);
      assert.ok(!listed.stdout.includes(key));
      // --json says allow_from, as auth.conf does (issue 10 item 13).
      const json = await runCli(['key', 'list', '--json', '--config-dir', daemon.dir]);
      const entry = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((row) => row.label === 'e2e-new');
      assert.deepEqual(entry && Object.keys(entry).sort(), ['allow_from', 'clusters', 'description', 'file', 'form', 'label']);

      const revoked = await runCli(['key', 'revoke', 'e2e-new', '--config-dir', daemon.dir]);
      assert.equal(revoked.status, 0, revoked.stderr);
      // Until SIGHUP the running daemon still has the key (SPEC 7.3).
      assert.equal((await cli(['call', 'echo', 'still'], { USCMDRELAY_KEY: key })).status, 0);
      daemon.proc.kill('SIGHUP');
      await waitForCount(daemon, reloaded, before + 2);
      const refused = await cli(['call', 'echo', 'gone'], { USCMDRELAY_KEY: key });
      assert.equal(refused.status, 251);
      assert.equal((await cli(['call', 'echo', 'others', 'unharmed'])).stdout, 'others unharmed\n');
    });

    it('refuses a duplicate label with status 1', async () => {
      const result = await runCli(['key', 'new', 'cli', '--clusters', 'default', '--config-dir', daemon.dir]);
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /label cli already exists/);
    });
  });
});
