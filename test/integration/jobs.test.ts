// SPEC 10 with the real daemon: detached jobs, their records and output, their owners, limits,
// and what restarts (SIGTERM) and crashes (SIGKILL) leave behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ask, startDaemon, tempDir, type DaemonHandle } from '../helpers/daemon.js';
import { liveMembers } from '../helpers/processes.js';
import { AUTH_CONF, HASHED_KEY, ORIGINAL_KEY, sha256 } from '../helpers/fixtures.js';

type Answer = Record<string, unknown>;

// A key of its own for the test that lists jobs, so the shared daemon's other jobs stay out of it.
const LIFE_KEY = 'jobs-life-key-0123456789';
const JOBS_AUTH = `${AUTH_CONF}
[life]
key_sha256 = ${sha256(LIFE_KEY)}
auth_clusters = *
`;
type Job = Record<string, unknown>;

// A node script as a command: deterministic 2 MB of multi-byte text, without python or perl.
const GEN_SCRIPT = "process.stdout.write('aé€😀\\n'.repeat(190651))";
const expectedGen = (): Buffer => Buffer.from('aé€😀\n'.repeat(190651)); // 2 097 161 bytes

const RELAYS = `[default]
sh = /bin/sh -c
echo = /bin/echo
sleep = /bin/sleep

[default::secret]
command = /bin/echo
logmask = 2

[default::gen]
command = ${process.execPath} -e "${GEN_SCRIPT}"

[default::short]
command = /bin/sleep 300
timeout = 1

[default::chatty]
command = /bin/sh -c "yes abcdefgh"
max_output = 1000

[default::lonely]
command = /bin/sleep 300
concurrency = 1
`;

const jobOf = (answer: Answer): Job => {
  const job = answer.job;
  assert.ok(typeof job === 'object' && job !== null, `no job in ${JSON.stringify(answer)}`);
  return job as Job;
};

async function detach(daemon: DaemonHandle, key: string, command: string, args: string[] = []): Promise<string> {
  const answer = await ask(daemon, { auth_key: key, command, arguments: args, detach: true });
  assert.deepEqual([answer.code, answer.message], [0, 'Job started'], JSON.stringify(answer));
  assert.match(String(answer.job_id), /^[0-9a-f]{32}$/);
  return String(answer.job_id);
}

// Reads the whole output by offset (long-polling) until done; returns the bytes and the last answer.
async function follow(daemon: DaemonHandle, key: string, jobId: string): Promise<{ bytes: Buffer; last: Answer; pieces: number }> {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (let pieces = 1; ; pieces++) {
    const answer = await ask(daemon, { auth_key: key, op: 'job', job_id: jobId, offset, wait: 30 });
    assert.equal(answer.code, 0, JSON.stringify(answer));
    const output = String(answer.output);
    assert.ok(Buffer.byteLength(output) <= 1024 * 1024);
    chunks.push(Buffer.from(output));
    assert.equal(answer.next_offset, offset + Buffer.byteLength(output));
    offset = Number(answer.next_offset);
    if (answer.done === true) return { bytes: Buffer.concat(chunks), last: answer, pieces };
  }
}

const stateOf = (daemon: DaemonHandle): string => join(daemon.dir, 'state');

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

const daemons: DaemonHandle[] = [];
// Without a grace of their own, daemons stop at once and kill their jobs: no test leaves a process behind.
async function start(args: string[] = [], relays = RELAYS, auth = JOBS_AUTH): Promise<DaemonHandle> {
  const grace = args.includes('--shutdown-grace') ? [] : ['--shutdown-grace', '0'];
  const daemon = await startDaemon({ auth, relays, args: [...grace, ...args] });
  daemons.push(daemon);
  return daemon;
}
const cleanups: Array<() => void> = [];
after(async () => {
  for (const daemon of daemons) await daemon.stop('SIGTERM');
  for (const cleanup of cleanups) cleanup();
});

describe('jobs', () => {
  // One daemon for the tests that need no flags of their own (starting node is slow on a busy machine).
  let shared: DaemonHandle;
  before(async () => {
    shared = await start();
  });

  it('a job from start to end: record, interleaved output, audit lines, private files', async () => {
    const daemon = shared;
    const id = await detach(daemon, LIFE_KEY, 'sh', ['echo out1; echo err1 >&2; echo out2; exit 3']);
    const { bytes, last } = await follow(daemon, LIFE_KEY, id);
    // Two pipes: stdout's lines keep their order, stderr's come in between as the daemon read them.
    assert.deepEqual(bytes.toString().split('\n').sort(), ['', 'err1', 'out1', 'out2']);
    assert.ok(bytes.toString().indexOf('out1') < bytes.toString().indexOf('out2'));
    assert.equal(last.message, 'Job exited');
    const job = jobOf(last);
    assert.equal(job.job_id, id);
    assert.equal(job.key, 'life');
    assert.equal(job.command, 'default::sh');
    assert.deepEqual(job.args, ['echo out1; echo err1 >&2; echo out2; exit 3']);
    assert.deepEqual([job.state, job.code, job.exit_code, job.signal, job.output_bytes, job.truncated], ['exited', 3001, 3, null, 15, false]);
    assert.ok(Date.parse(String(job.ended_at)) >= Date.parse(String(job.started_at)));
    assert.equal('owner' in job || 'pid' in job, false, 'the owner and pid stay inside the daemon');

    // Reading again from an offset gives the rest; past the end, nothing.
    const middle = await ask(daemon, { auth_key: LIFE_KEY, op: 'job', job_id: id, offset: 5 });
    assert.deepEqual([middle.output, middle.next_offset, middle.done], [bytes.subarray(5).toString(), 15, true]);
    const past = await ask(daemon, { auth_key: LIFE_KEY, op: 'job', job_id: id, offset: 99 });
    assert.deepEqual([past.output, past.next_offset, past.done], ['', 99, true]);

    // A second job; `jobs` lists this key's, newest first, records only.
    const second = await detach(daemon, LIFE_KEY, 'echo', ['hi']);
    await follow(daemon, LIFE_KEY, second);
    const listed = await ask(daemon, { auth_key: LIFE_KEY, op: 'jobs' });
    assert.deepEqual([listed.code, listed.message], [0, '2 jobs']);
    const jobs = listed.jobs as Job[];
    assert.deepEqual(jobs.map((j) => j.job_id), [second, id]);
    assert.equal('output' in (jobs[0] ?? {}), false);

    // Audit: the start is the request line with the job_id, the end a `job ended` line.
    const started = await daemon.waitForLog((l) => l.msg === 'request' && l.job_id === id && l.code === 0 && l.op === 'run');
    assert.equal(started.command, 'sh');
    const ended = await daemon.waitForLog((l) => l.msg === 'job ended' && l.job_id === id);
    assert.deepEqual([ended.state, ended.code, ended.exit_code, ended.command, ended.output_bytes], ['exited', 3001, 3, 'sh', 15]);

    // Private files: dirs 0700, record and output 0600.
    const state = stateOf(daemon);
    assert.equal(statSync(state).mode & 0o777, 0o700);
    assert.equal(statSync(join(state, 'jobs')).mode & 0o777, 0o700);
    for (const name of readdirSync(join(state, 'jobs'))) assert.equal(statSync(join(state, 'jobs', name)).mode & 0o777, 0o600, name);
    for (const name of [`${id}.json`, `${id}.out`, `${second}.json`, `${second}.out`]) assert.ok(readdirSync(join(state, 'jobs')).includes(name), name);
  });

  it('masks logmask arguments in the record', async () => {
    const daemon = shared;
    const id = await detach(daemon, ORIGINAL_KEY, 'secret', ['user', 'hunter2']);
    const { bytes, last } = await follow(daemon, ORIGINAL_KEY, id);
    assert.equal(bytes.toString(), 'user hunter2\n');
    assert.deepEqual(jobOf(last).args, ['user', '**MASKED**']);
    assert.equal(readFileSync(join(stateOf(daemon), 'jobs', `${id}.json`), 'utf8').includes('hunter2'), false);
  });

  it('2006 Unknown job, one message, for an unknown id, another key\'s job, and a malformed id', async () => {
    const daemon = shared;
    const id = await detach(daemon, ORIGINAL_KEY, 'sleep', ['300']);
    const unknown = 'ffffffffffffffffffffffffffffffff';
    const cases: Answer[] = [
      { auth_key: ORIGINAL_KEY, op: 'job', job_id: unknown },
      { auth_key: ORIGINAL_KEY, op: 'cancel', job_id: unknown },
      { auth_key: HASHED_KEY, op: 'job', job_id: id },
      { auth_key: HASHED_KEY, op: 'job', job_id: id, wait: 5 },
      { auth_key: HASHED_KEY, op: 'cancel', job_id: id },
      { auth_key: ORIGINAL_KEY, op: 'job', job_id: '../../../../etc/passwd' },
      { auth_key: ORIGINAL_KEY, op: 'job', job_id: `../jobs/${id}` },
      { auth_key: ORIGINAL_KEY, op: 'job', job_id: id.toUpperCase() },
      { auth_key: ORIGINAL_KEY, op: 'job', job_id: `${id}.json` },
      { auth_key: ORIGINAL_KEY, op: 'cancel', job_id: '' },
    ];
    for (const request of cases) {
      const answer = await ask(daemon, request);
      assert.deepEqual([answer.status, answer.code, answer.message], ['error', 2006, 'Unknown job'], JSON.stringify(request));
      assert.equal('job' in answer, false);
    }
    const theirs = await ask(daemon, { auth_key: HASHED_KEY, op: 'jobs' });
    assert.deepEqual([theirs.code, theirs.message, theirs.jobs], [0, '0 jobs', []]);
    // The foreign cancel did nothing: the job still runs for its owner.
    assert.equal(jobOf(await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id })).state, 'running');
    // Bad shapes of the fields themselves are malformed requests.
    const numeric = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: 7 });
    assert.equal(numeric.code, 2099);
    const missing = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job' });
    assert.deepEqual([missing.code, missing.message], [2099, "Malformed request: missing field 'job_id'"]);
    const tooLong = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id, wait: 61 });
    assert.equal(tooLong.code, 2099);
    const negative = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id, offset: -1 });
    assert.equal(negative.code, 2099);
    // An unauthenticated caller gets 1000, not 2006.
    const stranger = await ask(daemon, { auth_key: 'nope', op: 'job', job_id: id });
    assert.equal(stranger.code, 1000);
  });

  it('a job belongs to the key, not to its label: another key given the label by a SIGHUP sees nothing', async () => {
    const sha = (text: string) => (import('node:crypto').then(({ createHash }) => createHash('sha256').update(text).digest('hex')));
    const auth = async (key: string) => `[deployer]\nkey_sha256 = ${await sha(key)}\nauth_clusters = *\n`;
    const daemon = await start([], RELAYS, await auth('first-key-of-deployer'));
    const id = await detach(daemon, 'first-key-of-deployer', 'echo', ['x']);
    writeFileSync(join(daemon.dir, 'auth.conf'), await auth('second-key-of-deployer'));
    daemon.proc.kill('SIGHUP');
    await daemon.waitForLog((l) => l.msg === 'configuration reloaded');
    const answer = await ask(daemon, { auth_key: 'second-key-of-deployer', op: 'job', job_id: id });
    assert.deepEqual([answer.code, answer.message], [2006, 'Unknown job']);
    const listed = await ask(daemon, { auth_key: 'second-key-of-deployer', op: 'jobs' });
    assert.deepEqual(listed.jobs, []);
  });

  it('a long-poll answers as soon as new output comes', async () => {
    const daemon = shared;
    const flag = join(tempDir(), 'go');
    const id = await detach(daemon, ORIGINAL_KEY, 'sh', [`echo first; while [ ! -e ${flag} ]; do sleep 0.05; done; echo second; sleep 300`]);
    const first = await until('first line', async () => {
      const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id, wait: 30 });
      return answer.output === 'first\n' ? answer : undefined;
    });
    assert.equal(first.next_offset, 6);
    const poll = ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id, offset: 6, wait: 60 });
    writeFileSync(flag, '');
    const woken = await poll;
    assert.deepEqual([woken.code, woken.output, woken.next_offset, woken.done, jobOf(woken).state], [0, 'second\n', 13, false, 'running']);
    // The end wakes a poll too: cancel, and the poll answers done with the final record.
    const ending = ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id, offset: 13, wait: 60 });
    const cancelled = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'cancel', job_id: id });
    assert.deepEqual([cancelled.code, cancelled.message, jobOf(cancelled).state, jobOf(cancelled).code], [0, 'Job cancelled', 'cancelled', 3007]);
    const end = await ending;
    assert.deepEqual([end.output, end.done, jobOf(end).state], ['', true, 'cancelled']);
    const again = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'cancel', job_id: id });
    assert.deepEqual([again.code, again.message, jobOf(again).state], [0, 'Job already ended', 'cancelled']);
  });

  it('2 MB of multi-byte UTF-8 read in pieces gives back exactly the bytes written', async () => {
    const daemon = shared;
    const id = await detach(daemon, ORIGINAL_KEY, 'gen');
    const { bytes, last, pieces } = await follow(daemon, ORIGINAL_KEY, id);
    const expected = expectedGen();
    assert.equal(bytes.length, expected.length);
    assert.ok(bytes.equals(expected), 'the bytes differ');
    assert.ok(pieces >= 3, `read in ${pieces} pieces`);
    assert.deepEqual([jobOf(last).state, jobOf(last).code, jobOf(last).output_bytes], ['exited', 0, expected.length]);
    assert.equal(statSync(join(stateOf(daemon), 'jobs', `${id}.out`)).size, expected.length);
  });

  it('the command\'s limits apply: timeout 3002, output cap 3003, concurrency 3005', async () => {
    const daemon = shared;
    const timed = await follow(daemon, ORIGINAL_KEY, await detach(daemon, ORIGINAL_KEY, 'short'));
    assert.deepEqual([jobOf(timed.last).state, jobOf(timed.last).code], ['timed_out', 3002]);
    const capped = await follow(daemon, ORIGINAL_KEY, await detach(daemon, ORIGINAL_KEY, 'chatty'));
    assert.deepEqual([jobOf(capped.last).state, jobOf(capped.last).code, jobOf(capped.last).truncated, jobOf(capped.last).output_bytes], ['output_cap', 3003, true, 1000]);
    assert.equal(capped.bytes.length, 1000);
    const first = await detach(daemon, ORIGINAL_KEY, 'lonely');
    const busy = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'lonely', detach: true });
    assert.equal(busy.code, 3005);
    assert.equal('job_id' in busy, false);
    await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'cancel', job_id: first });
    await detach(daemon, ORIGINAL_KEY, 'lonely');
    // Policy is checked before a job starts, as for any run.
    const unknown = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'nothing', detach: true });
    assert.equal(unknown.code, 2001);
  });

  it('--max-jobs: one more running job is 3005; ended jobs free their place', async () => {
    const daemon = await start(['--max-jobs', '1']);
    const first = await detach(daemon, ORIGINAL_KEY, 'sleep', ['300']);
    const refused = await ask(daemon, { auth_key: HASHED_KEY, command: 'echo', detach: true });
    assert.deepEqual([refused.code, refused.message], [3005, 'Busy: concurrency limit reached: 1 jobs are already running']);
    // An ordinary run is not a job.
    assert.equal((await ask(daemon, { auth_key: HASHED_KEY, command: 'echo', arguments: ['plain'] })).message, 'plain');
    await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'cancel', job_id: first });
    await detach(daemon, HASHED_KEY, 'echo');
  });

  it('--job-retention: finished jobs are deleted once older than the retention; running ones never', async () => {
    const daemon = await start(['--job-retention', '1']);
    const running = await detach(daemon, ORIGINAL_KEY, 'sleep', ['300']);
    const id = await detach(daemon, ORIGINAL_KEY, 'echo', ['bye']);
    await follow(daemon, ORIGINAL_KEY, id);
    const gone = await until('the job to expire', async () => {
      const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id });
      return answer.code === 2006 ? answer : undefined;
    });
    assert.equal(gone.message, 'Unknown job');
    await daemon.waitForLog((l) => l.msg === 'expired jobs deleted' && l.removed === 1);
    // The sweep that deleted it saw the running job, older still, and kept it.
    assert.equal(jobOf(await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: running })).state, 'running');
    assert.deepEqual(readdirSync(join(stateOf(daemon), 'jobs')).sort(), [`${running}.json`, `${running}.out`]);
  });

  it('--job-retention: jobs that expired while the daemon was down are deleted at start', async () => {
    const state = join(tempDir(), 'state');
    const daemon = await start(['--state-dir', state]);
    const id = await detach(daemon, ORIGINAL_KEY, 'echo', ['old']);
    const { last } = await follow(daemon, ORIGINAL_KEY, id);
    assert.equal(await daemon.stop('SIGTERM'), 0);
    // Wait until the job ended more than a second ago, then start with a retention of 1 s.
    const endedAt = Date.parse(String(jobOf(last).ended_at));
    await until('a second to pass', () => (Date.now() > endedAt + 1100 ? true : undefined));
    const restarted = await start(['--state-dir', state, '--job-retention', '1']);
    const line = await restarted.waitForLog((l) => l.msg === 'expired jobs deleted');
    assert.equal(line.removed, 1);
    assert.equal((await ask(restarted, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id })).code, 2006);
  });

  it('SIGTERM drains a job like a run: grace, then cancelled; the output stays readable after a restart', async () => {
    const state = join(tempDir(), 'state');
    const daemon = await start(['--state-dir', state, '--shutdown-grace', '1']);
    const id = await detach(daemon, ORIGINAL_KEY, 'sh', ['echo before; exec sleep 300']);
    await until('output', async () => ((await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id, wait: 30 })).output === 'before\n' ? true : undefined));
    const done = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['x'], detach: true });
    await follow(daemon, ORIGINAL_KEY, String(done.job_id));
    assert.equal(await daemon.stop('SIGTERM'), 0);
    const restarted = await start(['--state-dir', state]);
    const answer = await ask(restarted, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id });
    assert.deepEqual([answer.output, answer.done, jobOf(answer).state, jobOf(answer).code], ['before\n', true, 'cancelled', 3007]);
    const finished = await ask(restarted, { auth_key: ORIGINAL_KEY, op: 'job', job_id: String(done.job_id) });
    assert.deepEqual([finished.output, jobOf(finished).state, jobOf(finished).code], ['x\n', 'exited', 0]);
  });

  it('after a crash (SIGKILL), running jobs become lost and their process groups are killed; a recycled pid is left alone', async () => {
    const state = join(tempDir(), 'state');
    const daemon = await start(['--state-dir', state]);
    const id = await detach(daemon, ORIGINAL_KEY, 'sh', ['echo started; sleep 300 & sleep 300']);
    await until('output', async () => ((await ask(daemon, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id, wait: 30 })).output === 'started\n' ? true : undefined));
    const record = JSON.parse(readFileSync(join(state, 'jobs', `${id}.json`), 'utf8')) as { pid: number };
    assert.ok(Number.isInteger(record.pid));
    await until('both sleeps', () => (liveMembers(record.pid).length >= 3 ? true : undefined));
    assert.equal(await daemon.stop('SIGKILL'), null);
    assert.ok(liveMembers(record.pid).length >= 3, 'the group outlives the daemon');

    // A record that names a live process of someone else (same pid, another start time).
    const stranger = spawn('/bin/sleep', ['300'], { detached: true, stdio: 'ignore' });
    cleanups.push(() => stranger.kill('SIGKILL'));
    const strangerPid = stranger.pid ?? 0;
    const fakeId = 'abcdefabcdefabcdefabcdefabcdef01';
    const fake = { ...(JSON.parse(readFileSync(join(state, 'jobs', `${id}.json`), 'utf8')) as object), job_id: fakeId, pid: strangerPid, pid_start: '1' };
    writeFileSync(join(state, 'jobs', `${fakeId}.json`), JSON.stringify(fake), { mode: 0o600 });

    const restarted = await start(['--state-dir', state]);
    await until('the group to be gone', () => (liveMembers(record.pid).length === 0 ? true : undefined));
    const answer = await ask(restarted, { auth_key: ORIGINAL_KEY, op: 'job', job_id: id });
    assert.deepEqual([answer.output, answer.done, jobOf(answer).state, jobOf(answer).code, jobOf(answer).output_bytes], ['started\n', true, 'lost', 3007, 8]);
    assert.ok(jobOf(answer).ended_at !== null);
    const lostLine = await restarted.waitForLog((l) => l.msg === 'job lost: the daemon stopped without ending it' && l.job_id === id);
    assert.equal(lostLine.killed, true);
    const fakeLine = await restarted.waitForLog((l) => l.msg === 'job lost: the daemon stopped without ending it' && l.job_id === fakeId);
    assert.equal(fakeLine.killed, false);
    assert.equal(stranger.exitCode, null);
    assert.deepEqual(liveMembers(strangerPid), [strangerPid], 'the recycled pid was not signalled');
    stranger.kill('SIGKILL');
    await once(stranger, 'exit');
  });
});
