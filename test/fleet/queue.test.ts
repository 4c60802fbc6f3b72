// The durable queue (SPEC 9.1) over a real `nats-server -js` with a temporary store, with
// in-process queue agents whose relay is a recording fake: registry and pattern expansion, the
// order of requests queued for an agent that was off, expiry, forged / moved / stale / replayed
// copies (the replay memory surviving a restart), results while waiting, a broker restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  formatRows,
  openQueue,
  queueSubject,
  registerAgent,
  signBody,
  type FleetRow,
  type Identity,
  type QueuedEnvelope,
} from '../../src/fleet/index.js';
import { eventually } from './helpers/fakes.js';
import { connectTo, newIdentity } from './helpers/fleet.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { linesWith, queue, results, startTestQueueAgent, waitForJetStream, type TestQueueAgent } from './helpers/queue.js';
import { sendExitStatus } from '../../src/cli/exits.js';
import { tempDir } from '../helpers/daemon.js';

const sender = newIdentity();
const stranger = newIdentity();
const WAIT = 30_000;

const summary = (rows: readonly FleetRow[]): string[] =>
  rows.map((row) => (row.state === 'answered' ? `${row.agent}:${row.response.code}:${row.response.message}:${row.verified}` : `${row.agent}:${row.queue?.status ?? 'missing'}`));

async function withServer(): Promise<{ server: NatsServer; connection: NatsConnection }> {
  const server = await startNatsServer({ storeDir: tempDir('queue-store-') });
  return { server, connection: await connectTo(server.url, 'sender') };
}

// Starts an agent once (it registers) and stops it: the host is off from now on.
async function registerThenStop(url: string, name: string): Promise<{ identity: Identity; stateDir: string }> {
  const agent = await startTestQueueAgent({ url, name, signers: [sender.publicKey] });
  await agent.stop();
  return { identity: agent.identity, stateDir: agent.stateDir };
}

async function waitForLine(agent: TestQueueAgent, msg: string, predicate: (line: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  await eventually(() => linesWith(agent, msg).some(predicate), WAIT, msg);
  const line = linesWith(agent, msg).find(predicate);
  assert.ok(line);
  return line;
}

describe('queue: the registry and pattern expansion', () => {
  let server: NatsServer;
  let connection: NatsConnection;
  before(async () => {
    ({ server, connection } = await withServer());
    const { registry } = await openQueue(connection, { resultRetentionMs: null, replicas: 1 });
    for (const name of ['web1.prod.example', 'web2.prod.example', 'db1.prod.example', 'web1.test.example']) await registerAgent(registry, name, newIdentity().publicKey);
  });
  after(async () => {
    await connection.close();
    await server.stop();
  });

  it('queues one copy per registered agent the pattern aims at, and none when none matches', async () => {
    const names = async (to: string) => (await queue(connection, sender, to, { command: 'test::echo' })).queued.map((target) => target.agent);
    assert.deepEqual(await names('*.prod.example'), ['db1.prod.example', 'web1.prod.example', 'web2.prod.example']);
    assert.deepEqual(await names('web1.**'), ['web1.prod.example', 'web1.test.example']);
    assert.deepEqual(await names('web2.prod.example'), ['web2.prod.example']);
    assert.equal((await names('ALL')).length, 4);
    assert.deepEqual(await names('*.staging.example'), []);
    await assert.rejects(queue(connection, sender, 'web*.prod', { command: 'test::echo' }), /bad segment 'web\*' in target/);
  });

  it('stores each copy under its agent\'s subject, signed, aimed at that agent alone', async () => {
    const result = await queue(connection, sender, '*.prod.example', { command: 'test::echo', arguments: ['x'] }, 60_000);
    const { jsm } = await openQueue(connection, { resultRetentionMs: null, replicas: 1 });
    for (const target of result.queued) {
      const stored = await jsm.streams.getMessage('USCMDRELAY_QUEUE', { seq: target.seq });
      assert.ok(stored);
      assert.equal(stored.subject, queueSubject(target.agent));
      const copy = stored.json<QueuedEnvelope>();
      assert.equal(copy.type, 'queued');
      assert.equal(copy.to, target.agent);
      assert.equal(copy.id, result.id);
      assert.equal(copy.expires - copy.ts, 60_000);
      assert.deepEqual(copy.request, { command: 'test::echo', arguments: ['x'] });
    }
    assert.equal(new Set(result.queued.map((target) => target.seq)).size, 3);
  });
});

describe('queue: agents that were off', () => {
  let server: NatsServer;
  let connection: NatsConnection;
  const running: TestQueueAgent[] = [];
  before(async () => ({ server, connection } = await withServer()));
  after(async () => {
    for (const agent of running) await agent.stop();
    await connection.close();
    await server.stop();
  });

  it('runs 3 requests queued while the agent was off, in order, once each', async () => {
    const host = await registerThenStop(server.url, 'laptop.office');
    const ids: string[] = [];
    for (const arg of ['1', '2', '3']) ids.push((await queue(connection, sender, 'laptop.office', { command: 'test::echo', arguments: [arg] })).id);
    assert.deepEqual(summary((await results(connection, ids[0] ?? '')).rows), ['laptop.office:pending']);
    const agent = await startTestQueueAgent({ url: server.url, name: 'laptop.office', signers: [sender.publicKey], ...host });
    running.push(agent);
    await eventually(() => linesWith(agent, 'queued request answered').length === 3, WAIT, '3 answers');
    assert.deepEqual(agent.runs.map((run) => run.request.arguments), [['1'], ['2'], ['3']]);
    for (const [index, id] of ids.entries()) {
      assert.deepEqual(summary((await results(connection, id)).rows), [`laptop.office:0:laptop.office ${index + 1}:true`]);
    }
    assert.deepEqual(agent.runs[0]?.caller, { remoteAddress: 'nats', remotePort: 0, transport: 'nats' });
    assert.deepEqual(agent.runs[0]?.credential, { kind: 'signer', publicKey: sender.publicKey });
  });

  it('results --wait returns once the agent that was off has answered', async () => {
    const host = await registerThenStop(server.url, 'late.office');
    const { id } = await queue(connection, sender, 'late.office', { command: 'test::echo', arguments: ['hi'] });
    const waiting = results(connection, id, 120_000);
    running.push(await startTestQueueAgent({ url: server.url, name: 'late.office', signers: [sender.publicKey], ...host }));
    const report = await waiting;
    assert.equal(report.done, true);
    assert.deepEqual(summary(report.rows), ['late.office:0:late.office hi:true']);
    assert.equal(sendExitStatus(report.rows, null), 0);
  });

  it('a request not started before --expire is dropped, logged and reported expired, never run', async () => {
    const host = await registerThenStop(server.url, 'sleepy.office');
    const { id, expires } = await queue(connection, sender, 'sleepy.office', { command: 'test::echo' }, 60_000);
    const later = () => Date.now() + 2 * 3600_000;
    // Still in the queue: pending now, expired to anyone reading after --expire.
    assert.deepEqual(summary((await results(connection, id)).rows), ['sleepy.office:pending']);
    const readLater = await results(connection, id, 0, later);
    assert.deepEqual(summary(readLater.rows), ['sleepy.office:expired']);
    assert.equal(readLater.done, true);
    // The agent comes back two hours later.
    const agent = await startTestQueueAgent({ url: server.url, name: 'sleepy.office', signers: [sender.publicKey], clock: later, ...host });
    running.push(agent);
    const line = await waitForLine(agent, 'queued request expired; not run');
    assert.equal(line.id, id);
    assert.equal(line.expires, expires);
    const report = await results(connection, id, WAIT);
    assert.deepEqual(summary(report.rows), ['sleepy.office:expired']);
    assert.equal(report.rows[0]?.state === 'missing' ? report.rows[0].queue?.message : '', 'expired before it started; never run');
    assert.equal(agent.runs.length, 0);
    assert.equal(sendExitStatus(report.rows, null), 3);
  });

  it('prints pending and expired targets in every format', async () => {
    await registerThenStop(server.url, 'a1.away');
    await registerThenStop(server.url, 'a2.away');
    const { id } = await queue(connection, sender, '*.away', { command: 'test::echo' }, 60_000);
    const { rows } = await results(connection, id);
    assert.deepEqual(summary(rows), ['a1.away:pending', 'a2.away:pending']);
    const json = formatRows(rows, 'json').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(json.map((row) => [row.agent, row.status, row.code]), [['a1.away', 'pending', null], ['a2.away', 'pending', null]]);
    assert.match(formatRows(rows, 'csv'), /^a1\.away,,pending: queued, not taken yet; expires \d{4}-/);
    assert.match(formatRows(rows, 'table'), /^AGENT\s+CODE\s+EXIT\s+OUTPUT\na1\.away\s+pending\s+-\s+queued, not taken yet/);
    assert.equal(sendExitStatus(rows, null), 3);
  });
});

describe('queue: forged, moved, stale and replayed copies', () => {
  let server: NatsServer;
  let connection: NatsConnection;
  let agent: TestQueueAgent;
  before(async () => {
    ({ server, connection } = await withServer());
    agent = await startTestQueueAgent({ url: server.url, name: 'guard.office', signers: [sender.publicKey] });
    await registerThenStop(server.url, 'other.office');
  });
  after(async () => {
    await agent.stop();
    await connection.close();
    await server.stop();
  });

  const publishCopy = async (subject: string, data: string): Promise<void> => {
    const { js } = await openQueue(connection, { resultRetentionMs: null, replicas: 1 });
    await js.publish(subject, data);
  };
  const copy = (identity: Identity, fields: Partial<QueuedEnvelope> = {}): Omit<QueuedEnvelope, 'sig'> => ({
    v: 1,
    type: 'queued',
    id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
    to: 'guard.office',
    request: { command: 'test::echo', arguments: ['forged'] },
    sender_public_key: identity.publicKey,
    nonce: `n-${Math.random()}`,
    ts: Date.now(),
    expires: Date.now() + 3600_000,
    ...fields,
  });
  const rejected = (reason: string) => waitForLine(agent, 'queued request rejected', (line) => line.reason === reason);

  it('drops a copy altered after signing (bad signature)', async () => {
    const signed = signBody(copy(sender), sender);
    await publishCopy(queueSubject('guard.office'), JSON.stringify({ ...signed, request: { command: 'test::echo', arguments: ['evil'] } }));
    await rejected('bad signature');
  });

  it('drops a copy from a signer its auth.conf does not know', async () => {
    await publishCopy(queueSubject('guard.office'), JSON.stringify(signBody(copy(stranger), stranger)));
    await rejected('unknown signer');
  });

  it('drops another agent\'s copy moved onto its subject', async () => {
    const { queued } = await queue(connection, sender, 'other.office', { command: 'test::echo', arguments: ['moved'] });
    const { jsm } = await openQueue(connection, { resultRetentionMs: null, replicas: 1 });
    const stored = await jsm.streams.getMessage('USCMDRELAY_QUEUE', { seq: queued[0]?.seq ?? 0 });
    assert.ok(stored);
    await publishCopy(queueSubject('guard.office'), stored.string());
    await rejected('not for me');
  });

  it('drops a copy signed long before it was stored (stale timestamp)', async () => {
    const ts = Date.now() - 2 * 3600_000;
    await publishCopy(queueSubject('guard.office'), JSON.stringify(signBody(copy(sender, { ts, expires: ts + 3600_000 }), sender)));
    await rejected('stale or future timestamp');
  });

  it('drops a replayed copy, also after the agent restarted', async () => {
    // A broker-side eavesdropper keeps the bytes of a genuine copy.
    const captured: string[] = [];
    const tap = connection.subscribe(queueSubject('guard.office'), { callback: (_error, msg) => void captured.push(msg.string()) });
    await connection.flush();
    const { id } = await queue(connection, sender, 'guard.office', { command: 'test::echo', arguments: ['once'] });
    tap.unsubscribe();
    assert.equal(captured.length, 1);
    assert.deepEqual(summary((await results(connection, id, WAIT)).rows), ['guard.office:0:guard.office once:true']);
    assert.equal(agent.runs.filter((run) => run.request.arguments.toString() === 'once').length, 1);

    await publishCopy(queueSubject('guard.office'), captured[0] ?? '');
    await rejected('replayed nonce');

    const { identity, stateDir } = agent;
    await agent.stop();
    agent = await startTestQueueAgent({ url: server.url, name: 'guard.office', signers: [sender.publicKey], identity, stateDir });
    await publishCopy(queueSubject('guard.office'), captured[0] ?? '');
    await rejected('replayed nonce');
    assert.equal(agent.runs.length, 0);
    assert.deepEqual(summary((await results(connection, id)).rows), ['guard.office:0:guard.office once:true']);
  });

  it('never ran any of them', () => {
    assert.deepEqual(agent.runs, []);
  });
});

describe('queue: broker restart with its store kept', () => {
  let server: NatsServer;
  let connection: NatsConnection;
  const running: TestQueueAgent[] = [];
  before(async () => ({ server, connection } = await withServer()));
  after(async () => {
    for (const agent of running) await agent.stop();
    await connection.close();
    await server.stop();
  });

  it('loses nothing queued or answered, and agents carry on', async () => {
    const up = await startTestQueueAgent({ url: server.url, name: 'up.office', signers: [sender.publicKey] });
    running.push(up);
    const down = await registerThenStop(server.url, 'down.office');
    const answered = (await queue(connection, sender, 'up.office', { command: 'test::echo', arguments: ['before'] })).id;
    assert.deepEqual(summary((await results(connection, answered, WAIT)).rows), ['up.office:0:up.office before:true']);
    const queued = (await queue(connection, sender, 'down.office', { command: 'test::echo', arguments: ['waiting'] })).id;

    await server.stop();
    await server.start();
    await waitForJetStream(connection);

    assert.deepEqual(summary((await results(connection, answered)).rows), ['up.office:0:up.office before:true']);
    assert.deepEqual(summary((await results(connection, queued)).rows), ['down.office:pending']);
    const after = (await queue(connection, sender, 'up.office', { command: 'test::echo', arguments: ['after'] })).id;
    assert.deepEqual(summary((await results(connection, after, WAIT)).rows), ['up.office:0:up.office after:true']);

    const back = await startTestQueueAgent({ url: server.url, name: 'down.office', signers: [sender.publicKey], ...down });
    running.push(back);
    assert.deepEqual(summary((await results(connection, queued, WAIT)).rows), ['down.office:0:down.office waiting:true']);
    assert.deepEqual(up.runs.map((run) => run.request.arguments), [['before'], ['after']]);
    assert.deepEqual(back.runs.map((run) => run.request.arguments), [['waiting']]);
  });
});
