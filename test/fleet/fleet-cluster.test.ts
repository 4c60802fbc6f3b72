// Broker faults: a 3-server NATS cluster with agents and sender on different servers; servers
// killed and restarted; agents reconnect by themselves and nothing runs twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { REQUEST_SUBJECT, sendFleetRequest, type FleetRow } from '../../src/fleet/index.js';
import { eventually, type RecordedRun } from './helpers/fakes.js';
import { connectTo, newIdentity, startTestAgent, stopAll, type TestAgent } from './helpers/fleet.js';
import { startNatsCluster, startNatsServer, waitForMesh, type NatsServer } from './helpers/nats-server.js';

const sender = newIdentity();
const answered = (rows: FleetRow[]) => rows.filter((row) => row.state === 'answered').map((row) => row.agent);
const runsOf = (runs: RecordedRun[], marker: string) => runs.filter((run) => run.request.arguments.includes(marker)).length;

describe('fleet on a 3-server NATS cluster', () => {
  let servers: NatsServer[];
  let agents: TestAgent[];
  let connection: NatsConnection;
  const runs: RecordedRun[] = [];

  before(async () => {
    servers = await startNatsCluster(3);
    const [s1, s2, s3] = servers.map((server) => server.url) as [string, string, string];
    // Each agent is given only its own server, as a host in another site would be.
    agents = [await startTestAgent(s2, 'a.site2', [sender.publicKey], runs), await startTestAgent(s3, 'b.site3', [sender.publicKey], runs)];
    connection = await connectTo(s1, 'sender');
  });
  after(async () => {
    await stopAll(agents, [connection]);
    for (const server of servers) await server.stop();
  });

  const send = (marker: string, extra: Partial<Parameters<typeof sendFleetRequest>[0]> = {}) =>
    sendFleetRequest({ connection, identity: sender, to: '*.**', request: { command: 'test::echo', arguments: [marker] }, timeoutMs: 4000, ackWaitMs: 300, ...extra });

  it('sender on server 1 reaches agents on servers 2 and 3', async () => {
    assert.deepEqual(answered((await send('m1')).rows), ['a.site2', 'b.site3']);
  });

  it('agents fail over to another cluster member when theirs dies, and come back', async () => {
    const s3 = servers[2];
    assert.ok(s3);
    await s3.stop();
    // b.site3 learnt the other members from the cluster's INFO and reconnects to one of them.
    await eventually(() => agents[1]?.log.lines.some((line) => line.msg === 'broker connection restored') ?? false, 10_000, 'b.site3 to reconnect');
    assert.deepEqual(answered((await send('m2')).rows), ['a.site2', 'b.site3']);
    await s3.start();
    await waitForMesh(servers);
    assert.deepEqual(answered((await send('m3')).rows), ['a.site2', 'b.site3']);
    assert.equal(runsOf(runs, 'm2'), 2);
  });
});

describe('fleet across a broker restart', () => {
  let server: NatsServer;
  let agent: TestAgent;
  let connection: NatsConnection;
  let spy: NatsConnection;
  const runs: RecordedRun[] = [];
  const captured: Uint8Array[] = [];

  before(async () => {
    server = await startNatsServer();
    agent = await startTestAgent(server.url, 'solo', [sender.publicKey], runs);
    connection = await connectTo(server.url, 'sender');
    spy = await connectTo(server.url, 'spy');
    spy.subscribe(REQUEST_SUBJECT, { callback: (_error, msg) => void captured.push(msg.data) });
    await spy.flush();
  });
  after(async () => {
    await stopAll([agent], [connection, spy]);
    await server.stop();
  });

  it('a request in flight is answered or reported missing, never run twice; replays after the restart are refused', async () => {
    const inFlight = sendFleetRequest({ connection, identity: sender, to: 'solo', request: { command: 'test::sleep', arguments: ['1200', 'r1'] }, timeoutMs: 6000, ackWaitMs: 200 });
    await eventually(() => runsOf(runs, 'r1') === 1, 3000, 'the request to start');
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.start();
    const result = await inFlight;
    assert.equal(result.rows.length, 1);
    assert.ok(['answered', 'missing'].includes(result.rows[0]?.state ?? ''));
    await eventually(() => agent.log.lines.some((line) => line.msg === 'broker connection restored'), 10_000, 'the agent to reconnect');
    await eventually(() => agent.agent.inFlight() === 0, 5000, 'the request to end');

    // The broker (or anyone on it) redelivers the captured request: the nonce cache refuses it.
    assert.ok(captured[0]);
    await eventually(() => !spy.isClosed() && spy.getServer() !== '', 5000);
    spy.publish(REQUEST_SUBJECT, captured[0]);
    await spy.flush();
    await eventually(() => agent.log.lines.some((line) => line.reason === 'replayed nonce'), 5000, 'the replay to be refused');
    assert.equal(runsOf(runs, 'r1'), 1);

    // And the fleet works on after the restart.
    const after = await sendFleetRequest({ connection, identity: sender, to: 'solo', request: { command: 'test::echo', arguments: ['r2'] }, timeoutMs: 4000, ackWaitMs: 200 });
    assert.deepEqual(answered(after.rows), ['solo']);
    assert.equal(runsOf(runs, 'r2'), 1);
  });
});
