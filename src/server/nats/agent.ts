// The agent: the fleet's door onto the core road. It turns signed broker messages into road
// requests whose credential is the proven signer, and the road's responses into signed replies.
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { isKnownSigner } from '../../auth/index.js';
import { MemberList } from '../../collections/index.js';
import type { ConfigSnapshot } from '../../config/index.js';
import { decodeEnvelope, FLEET_VERSION, REQUEST_SUBJECT, signBody, type AckEnvelope, type Identity, type RequestEnvelope, type ResponseEnvelope } from '../../fleet/index.js';
import { askRoad } from '../../fleet/to-road.js';
import { announce, type Logger } from '../../log/index.js';
import type { Relay } from '../../relay/index.js';
import { clampTimerMs } from '../../timers/index.js';
import { admitRequest } from './admit.js';
import { ReplayCache } from './replay.js';

export interface AgentOptions {
  connection: NatsConnection;
  name: string;
  identity: Identity | null; // signs acks and responses; without it they go unsigned
  relay: Pick<Relay, 'handle' | 'reject'>;
  getSnapshot: () => ConfigSnapshot;
  logger: Logger;
  allowSkewMs: number;
  replayCacheSize?: number;
  clock?: () => number; // ms since the epoch; tests move it
}

export interface FleetAgent {
  inFlight(): number;
  // Stops taking requests; resolves when every request already taken has been answered.
  stop(): Promise<void>;
}

export const DEFAULT_REPLAY_CACHE_SIZE = 100_000;

// Subscribes and logs `agent ready` once the broker has the subscription.
export async function startAgent(options: AgentOptions): Promise<FleetAgent> {
  const { connection, name, logger } = options;
  const clock = options.clock ?? Date.now;
  const startedAt = clock();
  const replay = new ReplayCache(options.replayCacheSize ?? DEFAULT_REPLAY_CACHE_SIZE);
  const pending = new MemberList<Promise<void>>();
  const pruner = setInterval(() => replay.prune(clock()), clampTimerMs(Math.max(1000, options.allowSkewMs))).unref();

  function publishReply(reply: string, body: Omit<AckEnvelope, 'sig'> | Omit<ResponseEnvelope, 'sig'>): void {
    const signed = options.identity ? signBody({ ...body, agent_public_key: options.identity.publicKey }, options.identity) : body;
    connection.publish(reply, JSON.stringify(signed));
  }

  async function serve(envelope: RequestEnvelope, snapshot: ConfigSnapshot): Promise<void> {
    publishReply(envelope.reply, { v: FLEET_VERSION, type: 'ack', agent: name, nonce: envelope.nonce, ts: clock() });
    const response = await askRoad(options.relay, envelope.request, envelope.sender_public_key, snapshot);
    publishReply(envelope.reply, { v: FLEET_VERSION, type: 'response', agent: name, nonce: envelope.nonce, ts: clock(), response });
    logger.debug({ nonce: envelope.nonce, request_id: response.request_id, code: response.code }, 'fleet request answered');
  }

  function onMessage(msg: Msg): void {
    const decoded = decodeEnvelope(msg.data);
    if (!decoded.ok || decoded.envelope.type !== 'request') {
      logger.warn({ reason: decoded.ok ? 'not a request' : decoded.reason, subject: msg.subject }, 'fleet message dropped');
      return;
    }
    const envelope = decoded.envelope;
    // One snapshot for this request: admission and the road's authentication see the same signers.
    const snapshot = options.getSnapshot();
    const isKnown = (publicKey: string): boolean => isKnownSigner(snapshot, publicKey);
    const verdict = admitRequest(envelope, { agentName: name, allowSkewMs: options.allowSkewMs, startedAt, now: clock(), replay, isKnownSigner: isKnown });
    if (!verdict.admit) {
      const fields = { reason: verdict.reason, signer: envelope.sender_public_key, nonce: envelope.nonce, to: envelope.to, ts: envelope.ts };
      if (verdict.reason === 'not for me') logger.debug(fields, 'fleet request not for this agent');
      else logger.warn(fields, 'fleet request rejected');
      return;
    }
    const task = serve(envelope, snapshot)
      .catch((error: unknown) => logger.error({ err: error, nonce: envelope.nonce }, 'fleet request failed'))
      .finally(() => pending.delete(task));
    pending.add(task);
  }

  const subscription: Subscription = connection.subscribe(REQUEST_SUBJECT, {
    callback: (error, msg) => {
      if (error) logger.error({ err: error }, 'fleet subscription error');
      else onMessage(msg);
    },
  });
  await connection.flush();
  announce(logger, { name, subject: REQUEST_SUBJECT, server: connection.getServer(), signed_replies: options.identity !== null }, 'agent ready');

  return {
    inFlight: () => pending.size,
    async stop() {
      subscription.unsubscribe();
      clearInterval(pruner);
      await Promise.all(pending.values());
      if (!connection.isClosed()) await connection.flush().catch(() => undefined);
    },
  };
}
