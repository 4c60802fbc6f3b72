// The README's Jobs examples, run as written against the bundled sample configuration (in the
// test's own dir, so nothing is written into the repository).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CLI, startDaemon, type DaemonHandle } from '../helpers/daemon.js';

const REPO = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const JOBS = README.slice(README.indexOf('## Jobs: runs that outlive the connection'), README.indexOf('## Client'));
const run = promisify(execFile);

// The `$ echo … | nc -N 127.0.0.1 7777` lines of the Jobs section, in order.
const ncLines = [...JOBS.matchAll(/^\$ (echo '.*' \| nc -N 127\.0\.0\.1 7777)$/gm)].map((match) => match[1] ?? '');

describe('README Jobs examples', () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({ auth: readFileSync(join(REPO, 'auth.sample.conf'), 'utf8'), relays: readFileSync(join(REPO, 'relays.sample.conf'), 'utf8') });
  });
  after(async () => {
    await daemon.stop();
  });

  const sh = async (line: string, id: string): Promise<Record<string, unknown>> => {
    const command = line.replace('7777', String(daemon.port)).replaceAll('5f0c2e9b8a7d4c3b2a1f0e9d8c7b6a59', id);
    const { stdout } = await run('sh', ['-c', command], { timeout: 70_000 });
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, stdout);
    return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  };

  it('the nc lines: detach, job with offset and wait, jobs, cancel', async () => {
    assert.equal(ncLines.length, 4);
    const [start = '', read = '', list = '', cancel = ''] = ncLines;
    const started = await sh(start, '');
    assert.deepEqual([started.code, started.message], [0, 'Job started']);
    const id = String(started.job_id);
    const piece = await sh(read, id);
    assert.equal(piece.code, 0);
    assert.match(String(piece.output), /^step 1 of 5\n/);
    assert.deepEqual((piece.job as Record<string, unknown>).key, 'sha256:090d1548c9d6');
    const listed = await sh(list, id);
    assert.equal((listed.jobs as Array<Record<string, unknown>>)[0]?.job_id, id);
    const cancelled = await sh(cancel, id);
    assert.deepEqual([cancelled.code, cancelled.message, (cancelled.job as Record<string, unknown>).state], [0, 'Job cancelled', 'cancelled']);
  });

  it('the CLI lines: call --detach, job, job --follow with the exit status', async () => {
    assert.match(JOBS, /^\$ id=\$\(node dist\/cli\/main\.js call --detach ops::steps\)/m);
    const env = { ...process.env, USCMDRELAY_KEY: 'demo-key-change-me', USCMDRELAY_PORT: String(daemon.port) };
    const id = (await run(process.execPath, [CLI, 'call', '--detach', 'ops::steps'], { env })).stdout.trim();
    assert.match(id, /^[0-9a-f]{32}$/);
    const record = await run(process.execPath, [CLI, 'job', id], { env });
    assert.match(record.stdout, /\ncommand +ops::steps\n/);
    const followed = await run(process.execPath, [CLI, 'job', id, '--follow'], { env });
    assert.equal(followed.stdout, '1 2 3 4 5'.split(' ').map((i) => `step ${i} of 5\n`).join(''));
  });
});
