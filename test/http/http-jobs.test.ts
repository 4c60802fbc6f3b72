// The jobs routes of the HTTP door (SPEC 11 → 10): thin mappings onto the road's job ops.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY, ORIGINAL_KEY } from '../helpers/fixtures.js';
import { call, metricValue, startHttpDaemon, type HttpDaemon } from '../helpers/http.js';

const LIMIT = { timeout: 60_000 };
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const RELAYS = `[default]
echo = /bin/echo
gate = /bin/sh -c 'echo waiting; while [ ! -e "$1" ]; do sleep 0.02; done; echo done' gate
`;

type Json = Record<string, unknown>;
const record = (answer: Json): Json => {
  const job = answer.job;
  assert.ok(typeof job === 'object' && job !== null, `no job in ${JSON.stringify(answer)}`);
  return job as Json;
};

describe('HTTP door: jobs', () => {
  let daemon: HttpDaemon;
  const port = (): number => daemon.httpPort;
  before(async () => {
    daemon = await startHttpDaemon({ auth: AUTH_CONF, relays: RELAYS });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('POST /v1/jobs starts one; GET /v1/jobs/:id follows it (offset, wait); GET /v1/jobs lists it', LIMIT, async () => {
    const gate = join(tempDir(), 'gate');
    const started = await call(port(), { path: '/v1/jobs', headers: bearer(HASHED_KEY), body: { command: 'gate', arguments: [gate] } });
    assert.equal(started.status, 200);
    const id = started.json().job_id;
    assert.equal(typeof id, 'string');
    assert.deepEqual([started.json().code, started.json().message], [0, 'Job started']);

    // The first line, waited for by the long-poll.
    let output = '';
    let offset = 0;
    while (!output.includes('waiting\n')) {
      const read = await call(port(), { path: `/v1/jobs/${String(id)}?offset=${offset}&wait=5`, headers: bearer(HASHED_KEY) });
      assert.equal(read.status, 200);
      output += String(read.json().output);
      offset = Number(read.json().next_offset);
      assert.equal(read.json().done, false);
    }
    const metrics = (await call(port(), { path: '/metrics' })).text;
    assert.equal(metricValue(metrics, 'uscmdrelay_jobs_running'), 1);

    const listed = await call(port(), { path: '/v1/jobs', headers: bearer(HASHED_KEY) });
    assert.equal(listed.status, 200);
    const jobs = listed.json().jobs;
    assert.ok(Array.isArray(jobs));
    assert.deepEqual(jobs.map((job: Json) => [job.job_id, job.state]), [[id, 'running']]);

    writeFileSync(gate, '');
    let done = false;
    while (!done) {
      const read = await call(port(), { path: `/v1/jobs/${String(id)}?offset=${offset}&wait=5`, headers: bearer(HASHED_KEY) });
      output += String(read.json().output);
      offset = Number(read.json().next_offset);
      done = read.json().done === true;
      if (done) assert.deepEqual([record(read.json()).state, record(read.json()).code, record(read.json()).exit_code], ['exited', 0, 0]);
    }
    assert.equal(output, 'waiting\ndone\n');
  });

  it('DELETE /v1/jobs/:id cancels a running job', LIMIT, async () => {
    const gate = join(tempDir(), 'never');
    const started = await call(port(), { path: '/v1/jobs', headers: bearer(HASHED_KEY), body: { command: 'gate', arguments: [gate] } });
    const id = String(started.json().job_id);
    const cancelled = await call(port(), { method: 'DELETE', path: `/v1/jobs/${id}`, headers: bearer(HASHED_KEY) });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.json().code, 0);
    let state = '';
    while (state !== 'cancelled') {
      const read = await call(port(), { path: `/v1/jobs/${id}?wait=5`, headers: bearer(HASHED_KEY) });
      state = String(record(read.json()).state);
      if (read.json().done === true) break;
    }
    assert.equal(state, 'cancelled');
  });

  it('maps 2006 (unknown or another key\'s job) to 404, no key to 401, a bad offset to 400', LIMIT, async () => {
    const started = await call(port(), { path: '/v1/jobs', headers: bearer(HASHED_KEY), body: { command: 'echo', arguments: ['x'] } });
    const id = String(started.json().job_id);
    for (const [method, path, key] of [
      ['GET', `/v1/jobs/${id}`, ORIGINAL_KEY],
      ['DELETE', `/v1/jobs/${id}`, ORIGINAL_KEY],
      ['GET', '/v1/jobs/ffffffffffffffffffffffffffffffff', HASHED_KEY],
    ] as const) {
      const answer = await call(port(), { method, path, headers: bearer(key) });
      assert.deepEqual([answer.status, answer.json().code, answer.json().message], [404, 2006, 'Unknown job'], `${method} ${path}`);
    }
    const none = await call(port(), { path: '/v1/jobs' });
    assert.deepEqual([none.status, none.json().code], [401, 1000]);
    const badOffset = await call(port(), { path: `/v1/jobs/${id}?offset=abc`, headers: bearer(HASHED_KEY) });
    assert.deepEqual([badOffset.status, badOffset.json().code], [400, 2099]);
    const theirs = await call(port(), { path: '/v1/jobs', headers: bearer(ORIGINAL_KEY) });
    assert.deepEqual([theirs.status, theirs.json().jobs], [200, []]);
  });
});
