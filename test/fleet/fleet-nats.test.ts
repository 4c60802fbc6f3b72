// The fleet over a real nats-server, with in-process agents whose relay is a recording fake:
// targeting, acks and collection, unknown signers, replays, forged replies, --expect, --timeout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeEnvelope, REQUEST_SUBJECT, sendFleetRequest, signBody, type FleetRow, type RequestEnvelope } from '../../src/fleet/index.js';
import { eventually, type RecordedRun } from './helpers/fakes.js';
import { connectTo, newIdentity, startTestAgent, stopAll, trustOf, type TestAgent } from './helpers/fleet.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';

const sender = newIdentity();
const summary = (rows: FleetRow[]) =>
  rows.map((row) => (row.state === 'answered' ? `${row.agent}:${row.response.code}:${row.response.message}` : `${row.agent}:missing`));

describe('fleet over one nats-server', () => {
  let server: NatsServer;
  let agents: TestAgent[];
  let connection: NatsConnection;
  const runs: RecordedRun[] = [];

  before(async () => {
    server = await startNatsServer();
    agents = [];
    for (const name of ['web1.prod.example', 'web2.prod.example', 'db1.prod.example', 'web1.test.example']) {
      agents.push(await startTestAgent(server.url, name, [sender.publicKey], runs));
    }
    connection = await connectTo(server.url, 'sender');
  });
  after(async () => {
    await stopAll(agents, [connection]);
    await server.stop();
  });

  const send = (to: string, command: string, args: string[] = [], extra: Partial<Parameters<typeof sendFleetRequest>[0]> = {}) =>
    sendFleetRequest({ connection, identity: sender, to, request: { command, arguments: args }, timeoutMs: 3000, ackWaitMs: 300, ...extra });

  it('runs on exactly the agents the target aims at, one row each', async () => {
    assert.deepEqual(summary((await send('web1.prod.example', 'test::echo', ['hi'])).rows), ['web1.prod.example:0:web1.prod.example hi']);
    await assert.rejects(send('web*.prod.example', 'test::echo'), /bad segment 'web\*' in target/);
  });

  it('matches * and ** and ALL', async () => {
    assert.deepEqual(summary((await send('*.prod.example', 'test::echo')).rows), [
      'db1.prod.example:0:db1.prod.example',
      'web1.prod.example:0:web1.prod.example',
      'web2.prod.example:0:web2.prod.example',
    ]);
    assert.deepEqual(summary((await send('web1.**', 'test::echo')).rows), ['web1.prod.example:0:web1.prod.example', 'web1.test.example:0:web1.test.example']);
    assert.equal((await send('ALL', 'test::echo')).rows.length, 4);
  });

  it('hands the core road the proven signer, transport nats, no stream, and the snapshot it admitted with', async () => {
    const before = runs.length;
    await send('web2.prod.example', 'test::echo', ['x'], { request: { command: 'test::echo', arguments: ['x'] } });
    const run = runs[before];
    assert.ok(run);
    assert.deepEqual(run.caller, { remoteAddress: 'nats', remotePort: 0, transport: 'nats' });
    assert.deepEqual(run.credential, { kind: 'signer', publicKey: sender.publicKey });
    assert.ok(run.snapshot?.keys.some((entry) => entry.publicKey === sender.publicKey));
    assert.deepEqual(run.request, { command: 'test::echo', arguments: ['x'], stream: false, op: 'run', detach: false });
  });

  it('verifies signed replies against --agents', async () => {
    const result = await send('*.prod.example', 'test::echo', [], { trusted: trustOf(agents) });
    assert.deepEqual(result.rows.map((row) => [row.agent, row.verified]), [
      ['db1.prod.example', true],
      ['web1.prod.example', true],
      ['web2.prod.example', true],
    ]);
  });

  it('drops a forged reply injected on the reply subject', async () => {
    const attacker = await connectTo(server.url, 'attacker');
    const forger = newIdentity();
    const dropped: string[] = [];
    // The attacker sees the request on the broker and answers first, as web1, with its own key.
    attacker.subscribe(REQUEST_SUBJECT, {
      callback: (_error, msg) => {
        const decoded = decodeEnvelope(msg.data);
        if (!decoded.ok || decoded.envelope.type !== 'request') return;
        const { reply, nonce } = decoded.envelope;
        const response = { status: 'ok', message: 'pwned', code: 0, exit_code: 0, signal: null, duration_ms: 0, request_id: 'x' };
        const forged = signBody({ v: 1, type: 'response', agent: 'web1.prod.example', nonce, ts: Date.now(), response, agent_public_key: forger.publicKey }, forger);
        attacker.publish(reply, JSON.stringify(forged));
      },
    });
    await attacker.flush();
    const result = await send('web1.prod.example', 'test::echo', ['real'], {
      trusted: trustOf(agents),
      onDropped: (agent, reason) => dropped.push(`${agent}: ${reason}`),
    });
    assert.deepEqual(summary(result.rows), ['web1.prod.example:0:web1.prod.example real']);
    assert.deepEqual(dropped, ['web1.prod.example: bad signature']);
    // Without --agents the forgery cannot be told apart, so rows say verified: false.
    const unverified = await send('web1.prod.example', 'test::echo', ['real']);
    assert.equal(unverified.rows[0]?.verified, false);
    await attacker.close();
  });

  it('an unknown signer gets no ack and no row; every agent logs and drops it', async () => {
    const stranger = newIdentity();
    const before = runs.length;
    const result = await sendFleetRequest({ connection, identity: stranger, to: 'ALL', request: { command: 'test::echo' }, timeoutMs: 800, ackWaitMs: 300 });
    assert.deepEqual(result.rows, []);
    assert.equal(runs.length, before);
    await eventually(() => agents.every((agent) => agent.log.lines.some((line) => line.reason === 'unknown signer' && line.signer === stranger.publicKey)));
    const line = agents[0]?.log.lines.find((entry) => entry.reason === 'unknown signer');
    assert.equal(line?.level, 40); // warn
    assert.equal(line?.msg, 'fleet request rejected');
  });

  it('a replayed request is logged and not run again', async () => {
    const spy = await connectTo(server.url, 'spy');
    const captured: Uint8Array[] = [];
    spy.subscribe(REQUEST_SUBJECT, { callback: (_error, msg) => void captured.push(msg.data) });
    await spy.flush();
    await send('web2.prod.example', 'test::echo', ['once']);
    const before = runs.length;
    const web2 = agents.find((agent) => agent.name === 'web2.prod.example');
    assert.ok(web2 && captured[0]);
    spy.publish(REQUEST_SUBJECT, captured[0]);
    spy.publish(REQUEST_SUBJECT, captured[0]);
    await eventually(() => web2.log.lines.filter((line) => line.reason === 'replayed nonce').length === 2);
    assert.equal(runs.length, before);
    await spy.close();
  });

  it('a delayed (stale) request is logged and not run', async () => {
    const web1 = agents[0];
    assert.ok(web1);
    const stale: Omit<RequestEnvelope, 'sig'> = {
      v: 1,
      type: 'request',
      to: 'web1.prod.example',
      reply: '_INBOX.nobody',
      request: { command: 'test::echo' },
      sender_public_key: sender.publicKey,
      nonce: 'stale-nonce',
      ts: Date.now() - 31_000,
    };
    const before = runs.length;
    connection.publish(REQUEST_SUBJECT, JSON.stringify(signBody(stale, sender)));
    await eventually(() => web1.log.lines.some((line) => line.reason === 'stale or future timestamp' && line.nonce === 'stale-nonce'));
    assert.equal(runs.length, before);
  });

  it('garbage on the request subject is logged and dropped', async () => {
    connection.publish(REQUEST_SUBJECT, '{"v":1,"type":"request"');
    await eventually(() => agents.every((agent) => agent.log.lines.some((line) => line.reason === 'not UTF-8 JSON')));
  });

  it('--expect N stops at N answers without waiting for the rest', async () => {
    const started = Date.now();
    const result = await send('*.prod.example', 'test::sleep', ['0'], { expect: 1, ackWaitMs: 5000, timeoutMs: 5000 });
    assert.ok(result.rows.filter((row) => row.state === 'answered').length >= 1);
    assert.ok(Date.now() - started < 2000, 'returned at the first answer');
  });

  it('--timeout reports acknowledged but unanswered agents as missing', async () => {
    const result = await send('web1.prod.example', 'test::sleep', ['1500'], { timeoutMs: 600, ackWaitMs: 200 });
    assert.deepEqual(result.rows, [{ agent: 'web1.prod.example', state: 'missing', acked: true, verified: false }]);
    await eventually(() => agents[0]?.agent.inFlight() === 0, 3000, 'the sleeping request to end');
  });
});
