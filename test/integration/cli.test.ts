// configtest, start-up errors, --log and --log-level, as a user runs them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ask, CLI, startDaemon, tempDir, writeConfig } from '../helpers/daemon.js';
import { AUTH_CONF, ORIGINAL_KEY, RELAYS_CONF } from '../helpers/fixtures.js';

const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 10_000, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('command line', () => {
  it('configtest prints "Config OK" for a good configuration', async () => {
    const dir = tempDir();
    writeConfig(dir, { auth: AUTH_CONF, relays: RELAYS_CONF });
    const result = await cli(['configtest', '--config-dir', dir]);
    assert.deepEqual([result.code, result.stdout], [0, 'Config OK\n']);
  });

  it('configtest prints every problem, one a line, and exits 2', async () => {
    const dir = tempDir();
    writeConfig(dir, { auth: '[k]\nauth_clusters =\n', relays: '[default]\nempty =\n[default]\nx = y\n' });
    const result = await cli(['configtest', '--config-dir', dir]);
    assert.equal(result.code, 2);
    const lines = result.stderr.trim().split('\n');
    assert.ok(lines.length >= 2, result.stderr);
    assert.ok(lines.some((line) => line.includes('auth.conf')));
    assert.ok(lines.some((line) => line.includes('relays.conf')));
  });

  it('serve refuses a bad configuration with exit 2 and binds nothing', async () => {
    const dir = tempDir();
    writeConfig(dir, { auth: AUTH_CONF, relays: 'no section\n' });
    const result = await cli(['serve', '--port', '0', '--config-dir', dir]);
    assert.equal(result.code, 2);
    assert.ok(!result.stdout.includes('listening'));
    assert.match(result.stderr, /relays\.conf/);
  });

  it('serve refuses an auth.conf readable by others', async () => {
    const dir = tempDir();
    writeConfig(dir, { auth: AUTH_CONF, relays: RELAYS_CONF });
    const { chmodSync } = await import('node:fs');
    chmodSync(join(dir, 'auth.conf'), 0o644);
    const result = await cli(['configtest', '--config-dir', dir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /auth\.conf/);
  });

  it('--version and --help answer', async () => {
    const version = await cli(['--version']);
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
    const help = await cli(['--help']);
    assert.match(help.stdout, /configtest/);
  });

  it('--log appends JSON lines to a file across restarts', async () => {
    const logFile = join(tempDir(), 'relay.log');
    for (let run = 1; run <= 2; run++) {
      const daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS_CONF, logFile });
      assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['logged'] })).code, 0);
      await daemon.waitForLog((l) => l.msg === 'request');
      assert.equal(await daemon.stop(), 0);
    }
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    assert.equal(lines.filter((line) => line.msg === 'listening').length, 2);
    assert.equal(lines.filter((line) => line.msg === 'request').length, 2);
  });

  it('--log-level WARNING (any case) keeps warnings and drops info lines, but still says where it listens', async () => {
    const daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS_CONF, args: ['--log-level', 'Warning'] });
    try {
      await ask(daemon, { auth_key: 'wrong', command: 'echo' });
      await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo' });
      const warning = await daemon.waitForLog((l) => l.msg === 'authentication failed');
      assert.equal(warning.level, 'warn');
      assert.ok(!daemon.logs.some((l) => l.msg === 'request'));
      assert.equal(daemon.logs.find((l) => l.msg === 'listening')?.level, 'warn');
    } finally {
      await daemon.stop();
    }
  });

  it('rejects an unknown --log-level', async () => {
    const result = await cli(['configtest', '--log-level', 'loud']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Invalid --log-level: loud/);
  });

  it('serve takes its options from USCMDRELAY_<NAME> and ignores the client variables', async () => {
    const daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: RELAYS_CONF,
      env: { USCMDRELAY_MAX_REQUEST_BYTES: '200', USCMDRELAY_KEY: 'a-client-key', USCMDRELAY_KEY_FILE: '/nonexistent' },
    });
    try {
      assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo' })).code, 0);
      const big = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['x'.repeat(300)] });
      assert.equal(big.code, 2003);
    } finally {
      await daemon.stop();
    }
  });

  it('a bad option value, from a flag or the environment, is one line and exit 2', async () => {
    const flag = await cli(['serve', '--port', '-5']);
    assert.deepEqual([flag.code, flag.stderr.split('\n')[0]], [2, 'uscmdrelay: --port must be a number ≥ 0 (env USCMDRELAY_PORT)']);
    const env = await cli(['serve'], { USCMDRELAY_TIMEOUT: 'soon' });
    assert.deepEqual([env.code, env.stderr.split('\n')[0]], [2, 'uscmdrelay: --timeout must be a number ≥ 0 (env USCMDRELAY_TIMEOUT)']);
    assert.ok(!env.stderr.includes('    at '), env.stderr);
  });
});
