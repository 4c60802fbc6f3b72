// End to end through the real CLI: keygen, agents on the real core road (auth.conf public_key,
// relays.conf commands, exec, audit), send in three formats with SPEC exit statuses,
// signal/wait, a broker restart with a command that appends to a file, SIGHUP and SIGTERM.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REQUEST_SUBJECT } from '../../src/fleet/index.js';
import { eventually } from './helpers/fakes.js';
import { connectTo } from './helpers/fleet.js';
import { runCli, startCliAgent, type RunningAgent } from './helpers/cli.js';
import { freePort, startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { tempDir } from '../helpers/daemon.js';

const dir = tempDir('fleet-cli-');
const path = (name: string) => join(dir, name);
const countFile = path('count');

async function keygen(name: string): Promise<string> {
  const result = await runCli(['keygen', '--out', path(name)]);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

function writeConfig(signers: Array<[string, string]>): void {
  const auth = signers.map(([label, key]) => `[${label}]\npublic_key = ${key}\nauth_clusters = test\n`).join('\n');
  writeFileSync(path('conf/auth.conf'), auth, { mode: 0o600 });
  chmodSync(path('conf/auth.conf'), 0o600);
}

describe('fleet CLI end to end', () => {
  let server: NatsServer;
  const agents: RunningAgent[] = [];
  let sender = '';
  let stranger = '';
  let agentKeys: string[] = [];

  before(async () => {
    server = await startNatsServer();
    sender = await keygen('sender.pem');
    stranger = await keygen('stranger.pem');
    agentKeys = [await keygen('web1.pem'), await keygen('web2.pem')];
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path('conf'), { mode: 0o700 });
    writeConfig([['fleet-sender', sender]]);
    writeFileSync(
      path('conf/relays.conf'),
      [
        '[test]',
        'hello = /bin/echo hello',
        'fail = /bin/sh -c "echo oops >&2; exit 3"',
        "multi = /usr/bin/printf 'one\\ntwo\\n'",
        'slow = /bin/sleep 3',
        `append = /bin/sh -c "sleep 1; echo ran >> ${countFile}"`,
        '',
        '[other]',
        'secret = /bin/echo secret',
        '',
      ].join('\n'),
    );
    writeFileSync(path('agents'), `web1.prod ${agentKeys[0]}\nweb2.prod ${agentKeys[1]}\n`);
    for (const [index, name] of ['web1.prod', 'web2.prod'].entries()) {
      agents.push(await startCliAgent(['--nats', server.url, '--name', name, '--config-dir', path('conf'), '--identity', path(`web${index + 1}.pem`)]));
    }
  });
  after(async () => {
    for (const agent of agents) await agent.stop();
    await server.stop();
  });

  const send = (args: string[], identity = 'sender.pem') =>
    runCli(['send', '--nats', server.url, '--identity', path(identity), '--timeout', '5', '--ack-wait', '0.5', ...args]);

  it('keygen writes a 0600 PKCS8 key and prints a 43-character public key', () => {
    assert.match(sender, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(statSync(path('sender.pem')).mode & 0o777, 0o600);
    assert.match(readFileSync(path('sender.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
  });

  it('keygen --public prints the public key of an existing identity; --name the line of an --agents file', async () => {
    const again = await runCli(['keygen', '--public', path('sender.pem')]);
    assert.deepEqual([again.status, again.stdout, again.stderr], [0, `${sender}\n`, '']);
    const line = await runCli(['keygen', '--public', path('web1.pem'), '--name', 'web1.prod']);
    assert.deepEqual([line.status, line.stdout], [0, `web1.prod ${agentKeys[0]}\n`]);
    const fresh = await runCli(['keygen', '--out', path('web3.pem'), '--name', 'web3.prod']);
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.match(fresh.stdout, /^web3\.prod [A-Za-z0-9_-]{43}\n$/);
    const neither = await runCli(['keygen']);
    assert.deepEqual([neither.status, neither.stderr], [2, 'uscmdrelay: say --out FILE (a new identity) or --public FILE (an existing one)\n']);
  });

  it('send --format json: one object per agent with the 2.2 fields and verified; exit 0', async () => {
    const result = await send(['--to', '*.prod', '--format', 'json', '--agents', path('agents'), 'test::hello', 'world']);
    assert.equal(result.status, 0, result.stderr);
    const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(rows.map((row) => [row.agent, row.status, row.code, row.message, row.exit_code, row.verified]), [
      ['web1.prod', 'ok', 0, 'hello world', 0, true],
      ['web2.prod', 'ok', 0, 'hello world', 0, true],
    ]);
    assert.match(String(rows[0]?.request_id), /^[0-9a-f-]{36}$/);
  });

  it('the agent audit-logs the request like the daemon, with transport nats and the signer label', async () => {
    await eventually(() => agents[0]?.lines.some((line) => line.msg === 'request' && line.command === 'hello') ?? false);
    const line = agents[0]?.lines.find((entry) => entry.msg === 'request' && entry.command === 'hello');
    assert.equal(line?.transport, 'nats');
    assert.equal(line?.key, 'fleet-sender');
    assert.equal(line?.cluster, 'test');
    assert.deepEqual(line?.args, ['world']);
  });

  it('send --format table, and exit 1 when a command fails', async () => {
    const result = await send(['--to', 'web1.prod', 'test::fail']);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, 'AGENT      CODE  EXIT  OUTPUT\nweb1.prod  3001  3     oops\n');
  });

  it("send --format csv: remaphore's framing for multi-line output", async () => {
    const result = await send(['--to', 'ALL', '--format', 'csv', 'test::multi']);
    assert.equal(result.status, 0, result.stderr);
    const tag = /^--> (\w+)$/m.exec(result.stdout)?.[1];
    assert.ok(tag, result.stdout);
    assert.equal(result.stdout, `--> ${tag}\nweb1.prod,0,one\ntwo\n--< ${tag}\n--> ${tag}\nweb2.prod,0,one\ntwo\n--< ${tag}\n`);
  });

  it('the core road still decides what a signer may run: another cluster is 1000', async () => {
    const result = await send(['--to', 'web2.prod', '--format', 'json', 'other::secret']);
    assert.equal(result.status, 1);
    const row = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual([row.code, row.message, row.exit_code], [1000, 'Authentication failed', null]);
  });

  it('an unknown signer gets no row at all (exit 3) and each agent logs the drop', async () => {
    const result = await send(['--to', 'ALL', '--timeout', '1.5', 'test::hello'], 'stranger.pem');
    assert.equal(result.status, 3);
    assert.equal(result.stdout, 'AGENT  CODE  EXIT  OUTPUT\n');
    // Issue 10 item 13: silence gets a hint naming the public key to authorize.
    assert.equal(
      result.stderr,
      `uscmdrelay: no agent answered. Check that agents matching ALL are running, and that each has this identity's public key (${stranger}; uscmdrelay keygen --public ${path('stranger.pem')}) as public_key in its auth.conf\n`,
    );
    for (const agent of agents) {
      await eventually(() => agent.lines.some((line) => line.reason === 'unknown signer' && line.signer === stranger));
    }
  });

  it('--timeout with an acknowledged but unanswered agent: a missing row; exit 1, or 3 when nobody answered', async () => {
    const result = await send(['--to', 'web1.prod', '--timeout', '1', '--format', 'json', 'test::slow']);
    assert.equal(result.status, 3);
    const row = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual([row.agent, row.status, row.code], ['web1.prod', 'missing', null]);
  });

  it('--expect N: fewer answers by the timeout is a failure; N answers end early, exit 0', async () => {
    const tooMany = await send(['--to', '*.prod', '--expect', '3', '--timeout', '1', 'test::hello']);
    assert.equal(tooMany.status, 1);
    assert.equal(tooMany.stdout.trim().split('\n').length, 3);
    const started = Date.now();
    const enough = await send(['--to', '*.prod', '--expect', '1', '--ack-wait', '10', '--timeout', '10', 'test::hello']);
    assert.equal(enough.status, 0);
    assert.ok(Date.now() - started < 8000);
  });

  it('usage errors exit 2: bad target, missing identity file', async () => {
    assert.equal((await send(['--to', '**.prod', 'test::hello'])).status, 2);
    const missing = await runCli(['send', '--nats', server.url, '--to', 'ALL', '--identity', path('nope.pem'), 'test::hello']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read identity/);
  });

  it('SIGHUP makes an agent trust a newly added public key', async () => {
    writeConfig([
      ['fleet-sender', sender],
      ['late-sender', stranger],
    ]);
    for (const agent of agents) agent.child.kill('SIGHUP');
    for (const agent of agents) await eventually(() => agent.lines.some((line) => line.msg === 'configuration reloaded'));
    const result = await send(['--to', 'web1.prod', 'test::hello'], 'stranger.pem');
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('wait exits 0 on a signal sent while waiting and runs the command with the message; 1 on timeout', async () => {
    const out = path('signal-out');
    const waiting = runCli(['wait', '--nats', server.url, '--timeout', '10', 'upload_done', '--', '/bin/sh', '-c', `echo "$USCMDRELAY_SIGNAL_MESSAGE" > ${out}`]);
    let done = false;
    void waiting.then(() => (done = true));
    // The waiter's subscription is ready at some point: signal until it has ended.
    while (!done) {
      const signal = await runCli(['signal', '--nats', server.url, '--identity', path('sender.pem'), 'upload_done', 's3://bucket/file']);
      assert.equal(signal.status, 0, signal.stderr);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal((await waiting).status, 0);
    assert.equal(readFileSync(out, 'utf8'), 's3://bucket/file\n');
    const timedOut = await runCli(['wait', '--nats', server.url, '--timeout', '500ms', 'never']);
    assert.equal(timedOut.status, 1);
  });

  it('a broker restart: agents reconnect, the in-flight request is answered or missing, nothing runs twice', async () => {
    const spy = await connectTo(server.url, 'spy');
    const captured: Uint8Array[] = [];
    spy.subscribe(REQUEST_SUBJECT, { callback: (_error, msg) => void captured.push(msg.data) });
    await spy.flush();
    const inFlight = send(['--to', 'ALL', '--timeout', '8', '--format', 'json', 'test::append']);
    await eventually(() => captured.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.start();
    const result = await inFlight;
    const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const row of rows) assert.ok(row.status === 'ok' || row.status === 'missing', JSON.stringify(row));
    for (const agent of agents) await eventually(() => agent.lines.some((line) => line.msg === 'broker connection restored'), 10_000);
    await eventually(() => existsSync(countFile) && readFileSync(countFile, 'utf8').split('\n').length === 3, 5000, 'both runs');

    // Redelivery of the same request after the restart: refused by every agent's nonce cache.
    await eventually(() => spy.getServer() !== '' && !spy.isClosed());
    spy.publish(REQUEST_SUBJECT, captured[0] ?? new Uint8Array());
    await spy.flush();
    for (const agent of agents) await eventually(() => agent.lines.some((line) => line.reason === 'replayed nonce'), 5000);
    const again = await send(['--to', 'ALL', 'test::append']);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.equal(readFileSync(countFile, 'utf8'), 'ran\n'.repeat(4)); // two agents × two sends, never more
    await spy.close();
  });

  it('SIGTERM: the agent stops cleanly, exit 0', async () => {
    const agent = agents.pop();
    assert.ok(agent);
    assert.equal(await agent.stop(), 0);
    assert.ok(agent.lines.some((line) => line.msg === 'stopped'));
  });

  it('SIGTERM while the broker is still being dialled: the agent stops, exit 0', async () => {
    const nobody = `nats://127.0.0.1:${await freePort()}`;
    const agent = await startCliAgent(['--nats', nobody, '--name', 'web3.prod', '--config-dir', path('conf')], 'connecting to the broker');
    assert.equal(await agent.stop(), 0);
    // stdout may still be on its way when the exit is reported.
    await eventually(() => agent.lines.some((line) => line.msg === 'stopped before the doors were open'));
    assert.equal(agent.lines.find((line) => line.msg === 'stopped before the doors were open')?.received, 'SIGTERM');
  });
});
