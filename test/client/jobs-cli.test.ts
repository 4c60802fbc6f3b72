// The jobs client against the real daemon: `call --detach`, `job ID`, `job ID --follow`,
// `job ID --cancel`, `jobs`, their output and exit statuses, and the library's job functions.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cancelJob, followJob, getJob, listJobs, startJob, type JobFollowEvent } from '../../src/index.js';
import { freePort, startDaemon, tempDir, type DaemonHandle } from '../helpers/daemon.js';
import { runCli } from './run-cli.js';

const KEY = 'jobs-cli-key-0123456789';
const OTHER_KEY = 'jobs-cli-other-key';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const AUTH = `[cli]
key_sha256 = ${sha256(KEY)}
auth_clusters = *

[other]
key_sha256 = ${sha256(OTHER_KEY)}
auth_clusters = *
`;

const RELAYS = `[default]
sh = /bin/sh -c
echo = /bin/echo

[default::slow]
command = /bin/sleep 300
timeout = 1
`;

describe('jobs client end to end', () => {
  let daemon: DaemonHandle;
  let env: Record<string, string>;
  before(async () => {
    daemon = await startDaemon({ auth: AUTH, relays: RELAYS, args: ['--shutdown-grace', '0'] });
    env = { USCMDRELAY_KEY: KEY, USCMDRELAY_PORT: String(daemon.port) };
  });
  after(async () => {
    await daemon.stop();
  });

  it('call --detach prints the job id; job --follow prints the output and exits with the command\'s status', async () => {
    const flag = join(tempDir(), 'go');
    const started = await runCli(['call', '--detach', 'sh', '--', `echo one; while [ ! -e ${flag} ]; do sleep 0.05; done; echo two; echo err >&2; exit 7`], { env });
    assert.equal(started.status, 0, started.stderr);
    const id = started.stdout.trim();
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(started.stdout, `${id}\n`);

    const following = runCli(['job', id, '--follow'], { env });
    const record = await runCli(['job', id], { env });
    assert.equal(record.status, 0, record.stderr);
    assert.match(record.stdout, new RegExp(`^job_id +${id}\\n`));
    assert.match(record.stdout, /\ncommand +default::sh\n/);
    assert.match(record.stdout, /\nstate +running\n/);
    writeFileSync(flag, '');
    const followed = await following;
    assert.equal(followed.status, 7, followed.stderr);
    assert.deepEqual(followed.stdout.split('\n').sort(), ['', 'err', 'one', 'two']);
    assert.equal(followed.stderr, '');

    const listed = await runCli(['jobs'], { env });
    assert.equal(listed.status, 0);
    assert.match(listed.stdout, new RegExp(`^${id}  exited +3001  \\S+  default::sh\\n$`));
  });

  it('job --cancel kills the job; --follow of a job the relay stopped says so and exits with call\'s status', async () => {
    const id = (await runCli(['call', '--detach', 'sh', '--', 'exec sleep 300'], { env })).stdout.trim();
    const cancelled = await runCli(['job', id, '--cancel'], { env });
    assert.equal(cancelled.status, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /\nstate +cancelled\n/);
    assert.match(cancelled.stdout, /\ncode +3007\n/);
    const followed = await runCli(['job', id, '--follow'], { env });
    assert.deepEqual([followed.status, followed.stdout, followed.stderr], [249, '', 'uscmdrelay: job cancelled (code 3007)\n']);

    const slow = (await runCli(['call', '--detach', 'slow'], { env })).stdout.trim();
    const timedOut = await runCli(['job', slow, '--follow'], { env });
    assert.deepEqual([timedOut.status, timedOut.stderr], [124, 'uscmdrelay: job timed_out (code 3002)\n']);
  });

  it('relay errors keep call\'s statuses: 2006 is 252, a refused key 251, no relay 255', async () => {
    const unknown = 'ffffffffffffffffffffffffffffffff';
    for (const args of [['job', unknown], ['job', unknown, '--follow'], ['job', unknown, '--cancel'], ['job', '../etc']]) {
      const result = await runCli(args, { env });
      assert.deepEqual([result.status, result.stdout, result.stderr], [252, '', 'uscmdrelay: error 2006: Unknown job\n'], args.join(' '));
    }
    const mine = (await runCli(['call', '--detach', 'echo', 'x'], { env })).stdout.trim();
    const foreign = await runCli(['job', mine], { env: { ...env, USCMDRELAY_KEY: OTHER_KEY } });
    assert.deepEqual([foreign.status, foreign.stderr], [252, 'uscmdrelay: error 2006: Unknown job\n']);
    const badKey = await runCli(['jobs'], { env: { ...env, USCMDRELAY_KEY: 'wrong' } });
    assert.deepEqual([badKey.status, badKey.stderr], [251, 'uscmdrelay: error 1000: Authentication failed\n']);
    const noRelay = await runCli(['jobs'], { env: { ...env, USCMDRELAY_PORT: String(await freePort()) } });
    assert.equal(noRelay.status, 255);
    const usage = await runCli(['call', '--detach', '--stream', 'echo'], { env });
    assert.equal(usage.status, 2);
    const json = await runCli(['job', mine, '--json'], { env });
    assert.equal(json.status, 0);
    const parsed = JSON.parse(json.stdout) as { code: number; job: { job_id: string } };
    assert.deepEqual([parsed.code, parsed.job.job_id], [0, mine]);
  });

  it('the library: startJob, getJob, followJob, listJobs, cancelJob', async () => {
    const options = { port: daemon.port, key: KEY };
    const started = await startJob({ ...options, command: 'sh', args: ['printf "h\\303\\251llo"; exit 2'] });
    assert.deepEqual([started.code, started.message], [0, 'Job started']);
    const jobId = String(started.job_id);
    const events: JobFollowEvent[] = [];
    for await (const event of followJob({ ...options, jobId })) events.push(event);
    const output = events.flatMap((event) => (event.event === 'output' ? [event.data] : [])).join('');
    assert.equal(output, 'héllo');
    const result = events.at(-1);
    assert.ok(result?.event === 'result');
    assert.deepEqual([result.response.done, result.response.job?.state, result.response.job?.exit_code], [true, 'exited', 2]);
    const piece = await getJob({ ...options, jobId, offset: 1 });
    assert.deepEqual([piece.output, piece.next_offset], ['éllo', 6]);
    const listed = await listJobs(options);
    assert.equal(listed.jobs?.[0]?.job_id, jobId);
    const cancelled = await cancelJob({ ...options, jobId });
    assert.deepEqual([cancelled.code, cancelled.message], [0, 'Job already ended']);
    const foreign = await getJob({ ...options, key: OTHER_KEY, jobId });
    assert.deepEqual([foreign.code, foreign.message], [2006, 'Unknown job']);
  });
});
