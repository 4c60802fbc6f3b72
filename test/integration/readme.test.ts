// The README's quick start, run as written: `npm start`'s script serves the bundled samples, and
// the README's `nc` line gets one JSON line back. If the README or the samples drift, this fails.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const REPO = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const run = promisify(execFile);

// Starts scripts/start-sample.mjs (what `npm start` runs after building) on an ephemeral port.
async function startSample(): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['scripts/start-sample.mjs', '--port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; port?: number; host?: string };
    if (entry.msg === 'listening') {
      assert.equal(entry.host, '127.0.0.1');
      lines.on('line', () => {}); // keep draining the log
      return {
        port: entry.port!,
        stop: async () => {
          child.kill('SIGTERM');
          await once(child, 'exit');
        },
      };
    }
  }
  throw new Error('the sample daemon exited before listening');
}

describe('README quick start', () => {
  it('has the two command lines: install and start, and the test suite', () => {
    assert.match(README, /^npm ci && npm start$/m);
    assert.match(README, /^npm test$/m);
  });

  it('the nc line against the sample configuration prints one JSON line', { timeout: 60_000 }, async () => {
    const ncLine = /^(?:\$ )?(echo '\{"auth_key":"demo-key-change-me","command":"uptime"\}' \| nc -N 127\.0\.0\.1 7777)$/m.exec(README)?.[1];
    assert.ok(ncLine, 'the README has the quick-start nc line');
    const sample = await startSample();
    try {
      const { stdout } = await run('sh', ['-c', ncLine.replace('7777', String(sample.port))], { timeout: 10_000 });
      const lines = stdout.trimEnd().split('\n');
      assert.equal(lines.length, 1, stdout);
      const answer = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.deepEqual([answer.status, answer.code, answer.exit_code], ['ok', 0, 0]);
      assert.match(String(answer.message), /load average/);

      const greet = `echo '{"auth_key":"demo-key-change-me","command":"ops::greet","arguments":["Ada; rm -rf /"]}' | nc -N 127.0.0.1 ${sample.port}`;
      const refused = JSON.parse((await run('sh', ['-c', greet], { timeout: 10_000 })).stdout) as Record<string, unknown>;
      assert.deepEqual([refused.code, refused.message], [2002, 'Arguments rejected: argument 1 does not match the allowed pattern']);
    } finally {
      await sample.stop();
    }
  });
});
