// In-process agents and senders on real NATS connections, one connection per "host".
import { createPrivateKey } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, generateIdentity, type Identity } from '../../../src/fleet/index.js';
import { startAgent, type FleetAgent } from '../../../src/server/nats/index.js';
import { captureLog, recordingRelay, snapshotWithSigners, type CapturedLog, type RecordedRun } from './fakes.js';

export function newIdentity(): Identity {
  const { pem, publicKey } = generateIdentity();
  return { privateKey: createPrivateKey(pem), publicKey };
}

export interface TestAgent {
  name: string;
  identity: Identity;
  connection: NatsConnection;
  agent: FleetAgent;
  log: CapturedLog;
  runs: RecordedRun[];
}

export async function connectTo(url: string | string[], name = 'test'): Promise<NatsConnection> {
  return connectNats({ servers: Array.isArray(url) ? url : [url], name, persistent: false });
}

// An agent that knows `signers` and answers through a recording fake relay.
export async function startTestAgent(url: string | string[], name: string, signers: string[], runs: RecordedRun[] = []): Promise<TestAgent> {
  const identity = newIdentity();
  const log = captureLog();
  const connection = await connectNats({ servers: Array.isArray(url) ? url : [url], name, persistent: true, logger: log.logger });
  const snapshot = snapshotWithSigners(...signers);
  const relay = recordingRelay(name, runs);
  const agent = await startAgent({ connection, name, identity, relay, getSnapshot: () => snapshot, logger: log.logger, allowSkewMs: 30_000 });
  return { name, identity, connection, agent, log, runs: relay.runs };
}

export async function stopAll(agents: readonly TestAgent[], others: readonly NatsConnection[] = []): Promise<void> {
  for (const agent of agents) {
    await agent.agent.stop();
    await agent.connection.close();
  }
  for (const connection of others) await connection.close();
}

// name -> public key, as an --agents file would give it.
export function trustOf(agents: readonly TestAgent[]): Map<string, string> {
  return new Map(agents.map((agent) => [agent.name, agent.identity.publicKey]));
}
