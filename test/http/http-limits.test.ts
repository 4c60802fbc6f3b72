// The HTTP door's limits, shared with the TCP door (SPEC 11): request size 413, request
// timeout 408 (slowloris), connections 429 across both doors, busy 429, throttle 429, the
// metrics token, and the drain: /healthz 503 and new runs 503 while a command finishes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { sendRaw, tempDir } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY } from '../helpers/fixtures.js';
import { call, metricValue, startHttpDaemon, type HttpDaemon } from '../helpers/http.js';
import { HTTP_RELAYS } from './fixtures.js';

const LIMIT = { timeout: 60_000 };
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const TOKEN = 'metrics-token-123';

async function started(path: string): Promise<void> {
  while (!existsSync(`${path}.started`)) await delay(10);
}

describe('HTTP door limits', () => {
  let daemon: HttpDaemon;
  const port = (): number => daemon.httpPort;
  before(async () => {
    daemon = await startHttpDaemon({
      auth: AUTH_CONF,
      relays: HTTP_RELAYS,
      args: ['--max-connections', '3', '--auth-fail-limit', '2', '--request-timeout', '1', '--max-request-bytes', '1024', '--metrics-token', TOKEN],
    });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('answers a body larger than --max-request-bytes with 413 2003', LIMIT, async () => {
    const answer = await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: { command: 'echo', arguments: ['x'.repeat(2000)] } });
    assert.deepEqual([answer.status, answer.json().code, answer.json().message], [413, 2003, 'Request too large']);
    const audit = await daemon.waitForLog((line) => line.msg === 'request' && line.request_id === answer.json().request_id);
    assert.deepEqual([audit.transport, audit.code], ['http', 2003]);
  });

  const dribbles: Array<[string, string, string]> = [
    ['headers', 'POST /v1/run HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'a'],
    ['a body', 'POST /v1/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{', ' '],
  ];
  for (const [what, head, filler] of dribbles) {
    it(`cuts ${what} dribbled byte by byte (slowloris) at --request-timeout: 408 2005, one audit line`, LIMIT, async () => {
      const socket = connect({ host: '127.0.0.1', port: port() });
      await once(socket, 'connect');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      let closed = false;
      socket.on('close', () => (closed = true));
      socket.on('error', () => {});
      const dribble = head + filler.repeat(900);
      // One byte at a time, well under any size limit, until the daemon hangs up.
      for (let index = 0; !closed && index < dribble.length; index++) {
        if (!socket.destroyed) socket.write(dribble[index] ?? '');
        await delay(20);
      }
      assert.equal(closed, true, 'the daemon never cut the slow client');
      const text = Buffer.concat(chunks).toString('utf8');
      assert.match(text, /^HTTP\/1\.1 408 /);
      const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
      assert.deepEqual([body.status, body.code, body.message], ['error', 2005, 'No complete request in time']);
      const audit = await daemon.waitForLog((line) => line.msg === 'request' && line.request_id === body.request_id);
      assert.equal(audit.transport, 'http');
      // Nothing else is logged for that connection (no second answer to a dead request).
      const probe = await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: { command: 'echo' } });
      await daemon.waitForLog((line) => line.msg === 'request' && line.request_id === probe.json().request_id);
      const remote = audit.remote;
      assert.deepEqual(daemon.logs.filter((line) => line.msg === 'request' && line.remote === remote).map((line) => line.code), [2005]);
    });
  }

  it('answers 429 3005 when the command\'s concurrency is reached', LIMIT, async () => {
    const gate = join(tempDir(), 'gate');
    const first = call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: { command: 't::single', arguments: [gate] } });
    await started(gate);
    const second = await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: { command: 't::single', arguments: [gate] } });
    assert.deepEqual([second.status, second.json().code], [429, 3005]);
    writeFileSync(gate, '');
    assert.deepEqual([(await first).status, (await first).json().message], [200, 'released']);
  });

  it('counts connections across both doors: one more than --max-connections is 429 9001 (HTTP) and 9001 (TCP)', LIMIT, async () => {
    const gate = join(tempDir(), 'gate');
    const held = [1, 2, 3].map((index) => {
      const path = `${gate}${index}`;
      return { path, answer: call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: { command: 't::gate', arguments: [path] } }) };
    });
    for (const { path } of held) await started(path);
    const refused = await call(port(), { path: '/healthz' });
    assert.deepEqual([refused.status, refused.json().code, refused.json().message], [429, 9001, 'Too many connections']);
    const tcp = JSON.parse((await sendRaw(daemon.port, '{}\n')).trim()) as Record<string, unknown>;
    assert.equal(tcp.code, 9001);
    for (const { path } of held) writeFileSync(path, '');
    for (const { answer } of held) assert.deepEqual([(await answer).status, (await answer).json().message], [200, 'released']);
  });

  it('/metrics needs --metrics-token as Bearer: 401 without, the text with it', LIMIT, async () => {
    assert.equal((await call(port(), { path: '/metrics' })).status, 401);
    assert.equal((await call(port(), { path: '/metrics', headers: bearer('wrong') })).status, 401);
    const answer = await call(port(), { path: '/metrics', headers: bearer(TOKEN) });
    assert.equal(answer.status, 200);
    assert.match(answer.text, /^# TYPE uscmdrelay_requests_total counter$/m);
    assert.ok(metricValue(answer.text, 'uscmdrelay_requests_total', { transport: 'http', code: '2005' }) >= 1);
    assert.ok(metricValue(answer.text, 'uscmdrelay_requests_total', { transport: 'tcp', code: '9001' }) >= 1);
  });

  // Last: it blocks 127.0.0.1 for the rest of the window.
  it('throttles failed keys from one address like the TCP door: 401, 401, then 429 1002', LIMIT, async () => {
    const bad = () => call(port(), { path: '/v1/run', headers: bearer('bad-key'), body: { command: 'echo' } });
    assert.equal((await bad()).status, 401);
    assert.equal((await bad()).status, 401);
    const third = await bad();
    assert.deepEqual([third.status, third.json().code], [429, 1002]);
    const good = await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: { command: 'echo' } });
    assert.deepEqual([good.status, good.json().code], [429, 1002]);
    const metrics = (await call(port(), { path: '/metrics', headers: bearer(TOKEN) })).text;
    assert.equal(metricValue(metrics, 'uscmdrelay_auth_failures_total', { reason: 'throttled' }), 2);
  });
});

describe('HTTP door drain', () => {
  let daemon: HttpDaemon;
  before(async () => {
    daemon = await startHttpDaemon({ auth: AUTH_CONF, relays: HTTP_RELAYS });
  });
  after(async () => {
    await daemon.stop('SIGKILL');
  });

  it('on SIGTERM /healthz says 503 and new runs 503 3007 while a running command finishes and answers', LIMIT, async () => {
    const port = daemon.httpPort;
    const gate = join(tempDir(), 'gate');
    const running = call(port, { path: '/v1/run', headers: bearer(HASHED_KEY), body: { command: 't::gate', arguments: [gate] } });
    await started(gate);
    assert.equal((await call(port, { path: '/healthz' })).status, 200);
    const exited = once(daemon.proc, 'exit');
    daemon.proc.kill('SIGTERM');
    await daemon.waitForLog((line) => line.msg === 'shutting down');
    const health = await call(port, { path: '/healthz' });
    assert.deepEqual([health.status, health.json(), health.headers.connection], [503, { status: 'shutting down' }, 'close']);
    const late = await call(port, { path: '/v1/run', headers: bearer(HASHED_KEY), body: { command: 'echo' } });
    assert.deepEqual([late.status, late.json().code, late.json().message], [503, 3007, 'Cancelled: the daemon is shutting down']);
    writeFileSync(gate, '');
    const answer = await running;
    assert.deepEqual([answer.status, answer.json().code, answer.json().message], [200, 0, 'released']);
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
  });
});
