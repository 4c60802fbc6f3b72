// In-process queue agents (startQueueAgent) on real JetStream connections, with the recording
// fake relay: what ran, in which order, and the agent's log lines.
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, queueFleetRequest, readQueueResults, type FleetRequest, type Identity, type QueueSendResult, type ResultsReport } from '../../../src/fleet/index.js';
import { startQueueAgent, type QueueAgent } from '../../../src/server/nats/index.js';
import { captureLog, eventually, recordingRelay, snapshotWithSigners, type CapturedLog, type RecordedRun } from './fakes.js';
import { newIdentity } from './fleet.js';
import { tempDir } from '../../helpers/daemon.js';

export interface TestQueueAgent {
  name: string;
  identity: Identity;
  stateDir: string;
  connection: NatsConnection;
  agent: QueueAgent;
  log: CapturedLog;
  runs: RecordedRun[];
  stop(): Promise<void>;
}

export interface QueueAgentSpec {
  url: string;
  name: string;
  signers: string[];
  identity?: Identity; // the same one across restarts
  stateDir?: string; // the same one across restarts: the replay memory
  runs?: RecordedRun[];
  clock?: () => number;
}

// Starts the queue side of an agent and resolves once it logged `queue ready`.
export async function startTestQueueAgent(spec: QueueAgentSpec): Promise<TestQueueAgent> {
  const identity = spec.identity ?? newIdentity();
  const stateDir = spec.stateDir ?? tempDir('queue-state-');
  const log = captureLog();
  const connection = await connectNats({ servers: [spec.url], name: spec.name, persistent: true, logger: log.logger });
  const snapshot = snapshotWithSigners(...spec.signers);
  const relay = recordingRelay(spec.name, spec.runs ?? []);
  const agent = startQueueAgent({
    connection,
    name: spec.name,
    identity,
    relay,
    getSnapshot: () => snapshot,
    logger: log.logger,
    stateDir,
    resultRetentionMs: null,
    replicas: 1,
    ...(spec.clock ? { clock: spec.clock } : {}),
  });
  await eventually(() => log.lines.some((line) => line.msg === 'queue ready'), 20_000, `${spec.name} queue ready`);
  return {
    name: spec.name,
    identity,
    stateDir,
    connection,
    agent,
    log,
    runs: relay.runs,
    async stop() {
      await agent.stop();
      await connection.close();
    },
  };
}

// Log lines of an agent with this message.
export function linesWith(agent: TestQueueAgent, msg: string): Array<Record<string, unknown>> {
  return agent.log.lines.filter((line) => line.msg === msg);
}

export async function queue(connection: NatsConnection, identity: Identity, to: string, request: FleetRequest, expireMs = 3600_000, clock?: () => number): Promise<QueueSendResult> {
  return queueFleetRequest({ connection, identity, to, request, expireMs, resultRetentionMs: null, replicas: 1, ...(clock ? { clock } : {}) });
}

export async function results(connection: NatsConnection, id: string, waitMs = 0, clock?: () => number): Promise<ResultsReport> {
  const report = await readQueueResults({ connection, id, waitMs, trusted: null, ...(clock ? { clock } : {}) });
  if (report === null) throw new Error(`no results for ${id}`);
  return report;
}

// Resolves once this connection reaches JetStream again (after a broker restart, a request sent
// before the client has reconnected is lost and only times out).
export async function waitForJetStream(connection: NatsConnection, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const jsm = await jetstreamManager(connection, { timeout: 1000 });
      await jsm.getAccountInfo();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}
