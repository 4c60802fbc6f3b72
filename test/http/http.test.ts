// SPEC 11 against the running daemon: every route of the HTTP door, every status mapping, the
// key beside the body, streaming (NDJSON, SSE) with backpressure, metrics, keep-alive.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ask, tempDir } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY, OPS_KEY } from '../helpers/fixtures.js';
import { call, metricValue, startHttpDaemon, type HttpDaemon } from '../helpers/http.js';
import { runCli } from '../client/run-cli.js';
import { FLOOD_BYTES, HTTP_RELAYS } from './fixtures.js';

const LIMIT = { timeout: 60_000 };
const MIB = 1024 ** 2;


const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const run = (command: string, extra: object = {}): object => ({ command, ...extra });

// Resolves once the gate command has started (it touches PATH.started first).
async function started(path: string): Promise<void> {
  while (!existsSync(`${path}.started`)) await delay(10);
}

const rssOf = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

describe('HTTP door', () => {
  let daemon: HttpDaemon;
  const port = (): number => daemon.httpPort;
  before(async () => {
    daemon = await startHttpDaemon({ auth: AUTH_CONF, relays: HTTP_RELAYS });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('announces http_port in the listening line', () => {
    const listening = daemon.logs.find((line) => line.msg === 'listening');
    assert.equal(listening?.http_port, daemon.httpPort);
    assert.equal(listening?.http_host, '127.0.0.1');
  });

  it('POST /v1/run with the key as Bearer: 200 and the 2.2 response', LIMIT, async () => {
    const answer = await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: run('echo', { arguments: ['hello', 'http'], id: 'x1' }) });
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^application\/json/);
    const body = answer.json();
    assert.deepEqual([body.code, body.message, body.exit_code, body.signal, body.id], [0, 'hello http', 0, null, 'x1']);
    assert.equal(typeof body.request_id, 'string');
    const audit = await daemon.waitForLog((line) => line.msg === 'request' && line.request_id === body.request_id);
    assert.deepEqual([audit.transport, audit.key, audit.command, audit.code], ['http', 'ci-runner', 'echo', 0]);
    assert.match(String(audit.remote), /^127\.0\.0\.1:\d+$/);
  });

  it('POST /v1/run with the key in the body (auth_key), whatever the Content-Type', LIMIT, async () => {
    const answer = await call(port(), {
      path: '/v1/run',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { auth_key: HASHED_KEY, command: 'echo', arguments: 'one-string' },
    });
    assert.equal(answer.status, 200);
    assert.deepEqual([answer.json().code, answer.json().message], [0, 'one-string']);
  });

  it('refuses two different keys (body and Bearer) and a non-Bearer Authorization: 400 2099', LIMIT, async () => {
    const two = await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: { auth_key: OPS_KEY, command: 'echo' } });
    assert.deepEqual([two.status, two.json().code, two.json().message], [400, 2099, 'Malformed request: two different keys (body and Authorization)']);
    const same = await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: { auth_key: HASHED_KEY, command: 'echo', arguments: ['same'] } });
    assert.deepEqual([same.status, same.json().message], [200, 'same']);
    const basic = await call(port(), { path: '/v1/run', headers: { authorization: 'Basic Zm9vOmJhcg==' }, body: run('echo') });
    assert.deepEqual([basic.status, basic.json().code, basic.json().message], [400, 2099, "Malformed request: the Authorization header must be 'Bearer KEY'"]);
  });

  // SPEC 11's table, code by code (9001, 2003, 2005, 1002, 3005 and 3007 below, with their limits).
  const mapped: Array<[string, object, string, number, number, string]> = [
    ['3001 (command failed)', run('fail'), HASHED_KEY, 200, 3001, 'oops'],
    ['3002 (time limit)', run('t::sleepy'), HASHED_KEY, 200, 3002, 'Command ran past its time limit and was killed'],
    ['3003 (output cap)', run('t::capped'), HASHED_KEY, 200, 3003, 'Command output passed its cap and the command was killed'],
    ['3006 (signal)', run('selfkill'), HASHED_KEY, 200, 3006, 'Command was ended by a signal: SIGSEGV'],
    ['2002 (arguments)', run('t::two', { arguments: ['a', 'b', 'c'] }), HASHED_KEY, 400, 2002, 'Arguments rejected: expected 1 to 2 arguments, got 3'],
    ['2004 (payload)', run('t::cat', { payload: 'too long' }), HASHED_KEY, 400, 2004, 'Payload not accepted: larger than 4 bytes'],
    ['2099 (bad field)', run('echo', { stream: 'yes' }), HASHED_KEY, 400, 2099, "Malformed request: field 'stream' must be boolean"],
    ['1000 (unknown key)', run('echo'), 'not-a-key', 401, 1000, 'Authentication failed'],
    ['2000 (unknown cluster)', run('nowhere::echo'), HASHED_KEY, 404, 2000, 'Unknown cluster: nowhere'],
    ['2001 (unknown command)', run('nothing'), HASHED_KEY, 404, 2001, 'Unknown command: default::nothing'],
    ['3004 (cannot start)', run('missing'), HASHED_KEY, 500, 3004, 'Command could not be started'],
  ];
  for (const [name, body, key, status, code, message] of mapped) {
    it(`maps ${name} to HTTP ${status} with the relay's JSON`, LIMIT, async () => {
      const answer = await call(port(), { path: '/v1/run', headers: bearer(key), body });
      assert.equal(answer.status, status);
      const json = answer.json();
      assert.equal(json.code, code);
      if (code === 3004) assert.match(String(json.message), /^Command could not be started/);
      else assert.equal(json.message, message);
    });
  }

  const badBodies: Array<[string, string, string]> = [
    ['not JSON', '{"command":', 'Malformed request: request is not valid JSON'],
    ['an array', '[1]', 'Malformed request: request must be a JSON object'],
    ['empty', ' ', 'Malformed request: empty request'],
    ['missing command', '{}', "Malformed request: missing field 'command'"],
  ];
  for (const [name, body, message] of badBodies) {
    it(`answers 400 2099 for a body that is ${name}`, LIMIT, async () => {
      const answer = await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body });
      assert.deepEqual([answer.status, answer.json().code, answer.json().message], [400, 2099, message]);
    });
  }

  it('answers 400 2099 for a body that is not UTF-8', LIMIT, async () => {
    const answer = await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) });
    assert.deepEqual([answer.status, answer.json().code, answer.json().message], [400, 2099, 'Malformed request: request is not valid UTF-8']);
  });

  it('refuses a key in the query string (400) and logs it nowhere', LIMIT, async () => {
    const secret = 'query-string-secret-key-1234';
    for (const path of [`/v1/run?auth_key=${secret}`, `/v1/commands?key=${secret}`, `/v1/jobs?access_token=${secret}`, `/healthz?token=${secret}`]) {
      const answer = await call(port(), { path, headers: bearer(HASHED_KEY), body: path.startsWith('/v1/run') ? run('echo') : undefined });
      assert.equal(answer.status, 400, path);
      assert.deepEqual([answer.json().code, answer.json().message], [2099, 'Malformed request: keys never go in URLs: send Authorization: Bearer KEY']);
      await daemon.waitForLog((line) => line.msg === 'request' && line.request_id === answer.json().request_id);
    }
    const answer = await call(port(), { path: `/v1/run?AUTH_KEY=${HASHED_KEY}`, body: run('echo') });
    assert.equal(answer.status, 400);
    await daemon.waitForLog((line) => line.msg === 'request' && line.request_id === answer.json().request_id);
    const everything = JSON.stringify(daemon.logs) + daemon.stderr();
    assert.equal(everything.includes(secret), false);
    assert.equal(everything.includes(HASHED_KEY), false);
  });

  it('GET /v1/commands: the 7.2 listing for the Bearer key; 401 without one', LIMIT, async () => {
    const answer = await call(port(), { path: '/v1/commands', headers: bearer(OPS_KEY) });
    assert.equal(answer.status, 200);
    assert.deepEqual([answer.json().code, answer.json().message, answer.json().commands], [0, '0 commands', []]);
    const all = await call(port(), { path: '/v1/commands', headers: bearer(HASHED_KEY) });
    const commands = all.json().commands;
    assert.ok(Array.isArray(commands));
    assert.deepEqual(commands[0], { command: 'default::echo', description: '', args: { min: 0, max: null }, payload: 'none' });
    assert.equal(commands.length, 12);
    const none = await call(port(), { path: '/v1/commands' });
    assert.deepEqual([none.status, none.json().code], [401, 1000]);
  });

  it('answers an unknown route with 404 JSON', LIMIT, async () => {
    const routes: Array<[string, string]> = [['GET', '/nope'], ['GET', '/index.html'], ['PUT', '/v1/run'], ['GET', '/v1/run']];
    for (const [method, path] of routes) {
      const answer = await call(port(), { method, path });
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.deepEqual([answer.json().status, answer.json().code, answer.json().message], ['error', 2099, 'Malformed request: no such route']);
    }
  });

  it('Accept: application/x-ndjson streams the events, then the final response (chunked)', LIMIT, async () => {
    const answer = await call(port(), { path: '/v1/run', headers: { ...bearer(HASHED_KEY), accept: 'application/x-ndjson' }, body: run('staged') });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['transfer-encoding'], 'chunked');
    assert.match(String(answer.headers['content-type']), /^application\/x-ndjson/);
    const lines = answer.text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const final = lines.pop();
    const out = lines.filter((line) => line.event === 'stdout').map((line) => line.data).join('');
    const err = lines.filter((line) => line.event === 'stderr').map((line) => line.data).join('');
    assert.deepEqual([out, err], ['one\nthree\n', 'two\n']);
    assert.deepEqual([final?.code, final?.message, final?.exit_code], [0, '', 0]);
  });

  it('Accept: text/event-stream sends server-sent events stdout, stderr, result', LIMIT, async () => {
    const answer = await call(port(), { path: '/v1/run', headers: { ...bearer(HASHED_KEY), accept: 'text/event-stream' }, body: run('fail') });
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/event-stream/);
    const events = answer.text
      .trimEnd()
      .split('\n\n')
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        return { name: eventLine?.replace(/^event: /, ''), data: JSON.parse(dataLine?.replace(/^data: /, '') ?? '') as Record<string, unknown> };
      });
    assert.deepEqual(events[0], { name: 'stderr', data: { event: 'stderr', data: 'oops\n' } });
    const result = events.at(-1);
    assert.equal(result?.name, 'result');
    assert.deepEqual([result?.data.code, result?.data.message, result?.data.exit_code], [3001, 'Command exited with code 3', 3]);
  });

  it('a refused streamed request keeps its status: 401 with the final line only', LIMIT, async () => {
    const answer = await call(port(), { path: '/v1/run', headers: { ...bearer('wrong'), accept: 'application/x-ndjson' }, body: run('echo') });
    assert.equal(answer.status, 401);
    const lines = answer.text.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0] ?? '') as { code: unknown }).code, 1000);
  });

  it('GET /healthz is 200 {"status":"ok"} without a key', LIMIT, async () => {
    const answer = await call(port(), { path: '/healthz' });
    assert.deepEqual([answer.status, answer.json()], [200, { status: 'ok' }]);
  });

  it('GET /metrics: the SPEC 11 series change as requests are served, on both doors', LIMIT, async () => {
    const before = (await call(port(), { path: '/metrics' })).text;
    for (const name of ['uscmdrelay_requests_total', 'uscmdrelay_request_duration_seconds', 'uscmdrelay_commands_running', 'uscmdrelay_connections_open', 'uscmdrelay_auth_failures_total', 'uscmdrelay_config_reloads_total', 'uscmdrelay_jobs_running', 'uscmdrelay_build_info', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes']) {
      assert.match(before, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(metricValue(before, 'uscmdrelay_build_info', { version }), 1);
    const okHttp = metricValue(before, 'uscmdrelay_requests_total', { transport: 'http', code: '0' });
    const failHttp = metricValue(before, 'uscmdrelay_requests_total', { transport: 'http', code: '3001' });
    const okTcp = metricValue(before, 'uscmdrelay_requests_total', { transport: 'tcp', code: '0' });
    const unknownKey = metricValue(before, 'uscmdrelay_auth_failures_total', { reason: 'unknown key' });
    const durations = metricValue(before, 'uscmdrelay_request_duration_seconds_count', { transport: 'http' });
    const reloads = metricValue(before, 'uscmdrelay_config_reloads_total', { result: 'ok' });

    await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: run('echo') });
    await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: run('echo') });
    await call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: run('fail') });
    await call(port(), { path: '/v1/run', headers: bearer('nope'), body: run('echo') });
    assert.equal((await ask(daemon, { auth_key: HASHED_KEY, command: 'echo' })).code, 0);
    daemon.proc.kill('SIGHUP');
    await daemon.waitForLog((line) => line.msg === 'configuration reloaded');

    const after = (await call(port(), { path: '/metrics' })).text;
    assert.equal(metricValue(after, 'uscmdrelay_requests_total', { transport: 'http', code: '0' }), okHttp + 2);
    assert.equal(metricValue(after, 'uscmdrelay_requests_total', { transport: 'http', code: '3001' }), failHttp + 1);
    assert.equal(metricValue(after, 'uscmdrelay_requests_total', { transport: 'tcp', code: '0' }), okTcp + 1);
    assert.equal(metricValue(after, 'uscmdrelay_auth_failures_total', { reason: 'unknown key' }), unknownKey + 1);
    assert.equal(metricValue(after, 'uscmdrelay_request_duration_seconds_count', { transport: 'http' }), durations + 4);
    assert.equal(metricValue(after, 'uscmdrelay_config_reloads_total', { result: 'ok' }), reloads + 1);
    // The scrape's own connection is open; nothing else is.
    assert.equal(metricValue(after, 'uscmdrelay_connections_open'), 1);
    assert.equal(metricValue(after, 'uscmdrelay_commands_running'), 0);
    // No key and no client input in any label.
    assert.equal(after.includes(HASHED_KEY), false);
    assert.equal(after.includes('nope'), false);
  });

  it('commands_running and connections_open count a command that runs', LIMIT, async () => {
    const dir = tempDir();
    const gate = join(dir, 'gate');
    const pending = call(port(), { path: '/v1/run', headers: bearer(HASHED_KEY), body: run('t::gate', { arguments: [gate] }) });
    await started(gate);
    const during = (await call(port(), { path: '/metrics' })).text;
    assert.equal(metricValue(during, 'uscmdrelay_commands_running'), 1);
    assert.equal(metricValue(during, 'uscmdrelay_connections_open'), 2);
    writeFileSync(gate, '');
    assert.deepEqual([(await pending).status, (await pending).json().message], [200, 'released']);
  });

  it('a slow HTTP reader slows the command: nothing is buffered without bound', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const done = join(dir, 'done');
    const pid = daemon.proc.pid ?? 0;
    const startRss = rssOf(pid);
    let peakRss = startRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 20);
    try {
      const req = httpRequest({
        host: '127.0.0.1',
        port: port(),
        method: 'POST',
        path: '/v1/run',
        agent: false,
        headers: { ...bearer(HASHED_KEY), accept: 'application/x-ndjson', 'content-type': 'application/json' },
      });
      req.end(JSON.stringify(run('t::flood', { arguments: [done] })));
      const res = await new Promise<IncomingMessage>((resolve, reject) => req.once('response', resolve).once('error', reject));
      assert.equal(res.statusCode, 200);
      res.pause();
      // The reader does not read for a while: the command must be held, not finished into memory.
      await delay(1500);
      assert.equal(existsSync(done), false, 'the command ran to its end while nobody read');
      let tail = '';
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        tail = (tail + chunk.toString('latin1')).slice(-400);
      });
      res.resume();
      await once(res, 'end');
      const final = JSON.parse(tail.trimEnd().split('\n').at(-1) ?? '') as Record<string, unknown>;
      assert.equal(final.code, 0);
      assert.ok(bytes > FLOOD_BYTES, `only ${bytes} bytes arrived`);
      assert.equal(existsSync(done), true);
    } finally {
      clearInterval(sampler);
    }
    assert.ok(peakRss < startRss + 100 * MIB, `daemon RSS grew from ${(startRss / MIB).toFixed(1)} MiB to ${(peakRss / MIB).toFixed(1)} MiB`);
  });

  it('serves 1,000 keep-alive requests over 8 connections without leaking a descriptor', { timeout: 180_000 }, async () => {
    const pid = daemon.proc.pid ?? 0;
    const fds = (): number => readdirSync(`/proc/${pid}/fd`).length;
    const baseline = fds();
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const sockets = new Set<unknown>();
    const worker = async (count: number): Promise<void> => {
      for (let index = 0; index < count; index++) {
        const answer = await call(port(), { path: '/v1/commands', headers: bearer(HASHED_KEY), agent });
        assert.equal(answer.status, 200);
        assert.equal(answer.headers.connection, 'keep-alive');
      }
    };
    agent.on('free', (socket) => sockets.add(socket));
    await Promise.all(Array.from({ length: 8 }, () => worker(125)));
    assert.ok(sockets.size <= 8, `${sockets.size} connections were opened`);
    const open = metricValue((await call(port(), { path: '/metrics' })).text, 'uscmdrelay_connections_open');
    assert.equal(open, sockets.size + 1);
    agent.destroy();
    // Closing the client's sockets gives every descriptor back.
    while (fds() > baseline) await delay(20);
    assert.equal(metricValue((await call(port(), { path: '/metrics' })).text, 'uscmdrelay_connections_open'), 1);
  });

  it('uscmdrelay call --http URL and list --http use this door: output, stream, exit status, refusals', LIMIT, async () => {
    const url = `http://127.0.0.1:${port()}`;
    const env = { USCMDRELAY_KEY: HASHED_KEY };
    const plain = await runCli(['call', '--http', url, 'echo', 'via', 'http'], { env });
    assert.deepEqual([plain.status, plain.stdout, plain.stderr], [0, 'via http\n', '']);
    const streamed = await runCli(['call', '--http', url, '--stream', 'staged'], { env });
    assert.deepEqual([streamed.status, streamed.stdout, streamed.stderr], [0, 'one\nthree\n', 'two\n']);
    const failed = await runCli(['call', '--http', `${url}/`, 'fail'], { env });
    assert.deepEqual([failed.status, failed.stderr], [3, 'oops\n']);
    const refused = await runCli(['call', '--http', url, 'echo'], { env: { USCMDRELAY_KEY: 'wrong' } });
    assert.deepEqual([refused.status, refused.stderr], [251, 'uscmdrelay: error 1000: Authentication failed\n']);
    const listed = await runCli(['list', '--http', url], { env: { USCMDRELAY_KEY: OPS_KEY } });
    assert.deepEqual([listed.status, listed.stdout], [0, '']);
    const inUrl = await runCli(['call', '--http', `${url}/?auth_key=x`, 'echo'], { env });
    assert.deepEqual([inUrl.status, inUrl.stderr], [2, 'uscmdrelay: the URL must not carry credentials or a query: keys never go in URLs\n']);
  });
});
