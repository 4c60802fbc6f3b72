// What `agent` hosts (SPEC 9): the road and one door, the broker connection — the live requests
// for its name and, with --queue, its queued copies. The lifecycle around them is the host's.
import { autoLauncher } from '../../exec/index.js';
import { connectNats, type Identity } from '../../fleet/index.js';
import { StartupError, type ConfigHolder, type Door, type Hosted } from '../../host/index.js';
import type { Logger } from '../../log/index.js';
import { createRelay, type RelayOptions } from '../../relay/index.js';
import { startAgent } from './agent.js';
import { startQueueAgent, type QueueAgent, type QueueAgentOptions } from './queue-agent.js';

export interface AgentDoorOptions {
  name: string;
  servers: string[];
  credsFile?: string | undefined; // NATS .creds file
  identity: Identity | null; // signs acks and replies
  allowSkewMs: number;
  // With --queue: the queued copies too (the identity signs the records).
  queue: Pick<QueueAgentOptions, 'identity' | 'stateDir' | 'resultRetentionMs' | 'replicas'> | null;
  relay: Pick<RelayOptions, 'maxRunning' | 'launcher'>;
  logger: Logger;
}

// Builds the road over the host's configuration, dials the broker (for as long as it takes: the
// agent may start before the broker) and subscribes; `agent ready` is logged once it is in.
export async function openAgent(config: ConfigHolder, options: AgentDoorOptions): Promise<Hosted> {
  const { name, logger } = options;
  const relay = createRelay({ ...options.relay, getSnapshot: config.current, logger });
  logger.info({ name, servers: options.servers, launcher: (options.relay.launcher ?? autoLauncher()).name }, 'connecting to the broker');
  const connection = await connectNats({ servers: options.servers, name: `uscmdrelay agent ${name}`, credsFile: options.credsFile, persistent: true, logger });
  const agent = await startAgent({ connection, name, identity: options.identity, relay, getSnapshot: config.current, logger, allowSkewMs: options.allowSkewMs });
  let queueAgent: QueueAgent | null = null;
  if (options.queue) {
    try {
      queueAgent = startQueueAgent({ ...options.queue, connection, name, relay, getSnapshot: config.current, logger });
    } catch (error) {
      throw new StartupError(`--state-dir ${options.queue.stateDir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  let stopping = false;
  let answered: Promise<void> = Promise.resolve();
  const door: Door = {
    // The server of the moment: after a reconnect it may be another one of the cluster.
    get label() {
      return `agent ${name} on ${connection.getServer()}`;
    },
    // The connection retries for ever; closed means closed for good (an auth failure, say).
    lost: connection.closed().then((error) => {
      if (!stopping) logger.fatal({ err: error }, 'broker connection closed for good');
    }),
    stopAccepting() {
      stopping = true;
      // Both stop taking now; each resolves once what it took has been answered.
      answered = Promise.all([agent.stop(), queueAgent?.stop()]).then(() => undefined);
    },
    async close() {
      await answered;
      await connection.drain().catch(() => undefined);
    },
  };
  return { road: relay, doors: [door] };
}
