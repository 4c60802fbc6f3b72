// The sender: publish one signed request, collect one row per agent (SPEC 9).
import { randomBytes } from 'node:crypto';
import { createInbox, type NatsConnection } from '@nats-io/transport-node';
import { setLongTimeout } from '../timers/index.js';
import { ReplyCollector, type FleetRow } from './collect.js';
import { decodeEnvelope } from './decode.js';
import { FLEET_VERSION, type FleetRequest, type RequestEnvelope } from './envelope.js';
import type { Identity } from './identity.js';
import { signBody } from './sign.js';
import { REQUEST_SUBJECT } from './subjects.js';
import { targetPatternProblem } from './target.js';

export interface SendOptions {
  connection: NatsConnection;
  identity: Identity;
  to: string;
  request: FleetRequest;
  timeoutMs: number; // the whole wait, from publishing
  expect?: number | null; // stop at this many answers instead of waiting for every ack
  ackWaitMs?: number; // how long acknowledgements are awaited before "all acked answered" counts
  trusted?: ReadonlyMap<string, string> | null; // --agents
  onDropped?: (agent: string, reason: string) => void;
}

export interface SendResult {
  nonce: string;
  rows: FleetRow[];
  // --expect was met while these agents (acknowledged) were still running: no rows for them.
  stillRunning: string[];
  elapsedMs: number; // publish → collection over
  lastAnswerMs: number | null; // publish → the last answer that arrived
}

export const DEFAULT_ACK_WAIT_MS = 1000;

// Sends and waits; resolves when collection is over (never rejects for a silent fleet).
export async function sendFleetRequest(options: SendOptions): Promise<SendResult> {
  const problem = targetPatternProblem(options.to);
  if (problem !== null) throw new Error(problem);
  const { connection } = options;
  const expect = options.expect ?? null;
  const nonce = randomBytes(16).toString('base64url');
  const collector = new ReplyCollector({ nonce, to: options.to, trusted: options.trusted ?? null });
  const reply = createInbox();
  let startedAt = 0;
  let lastAnswerMs: number | null = null;

  return await new Promise<SendResult>((resolve, reject) => {
    let ackWindowOver = false;
    let over = false;
    const finish = (): void => {
      if (over) return;
      over = true;
      clearAckTimer();
      clearDeadline();
      subscription.unsubscribe();
      const expectMet = expect !== null && collector.answered() >= expect;
      const stillRunning = expectMet ? collector.running() : [];
      resolve({ nonce, rows: collector.rows(expectMet), stillRunning, elapsedMs: performance.now() - startedAt, lastAnswerMs });
    };
    const check = (): void => {
      if (collector.isComplete(expect, ackWindowOver)) finish();
    };
    const subscription = connection.subscribe(reply, {
      callback: (error, msg) => {
        if (error || over) return;
        const decoded = decodeEnvelope(msg.data);
        if (!decoded.ok || (decoded.envelope.type !== 'ack' && decoded.envelope.type !== 'response')) {
          options.onDropped?.('?', decoded.ok ? 'not a reply' : decoded.reason);
          return;
        }
        const verdict = collector.accept(decoded.envelope);
        if (typeof verdict === 'object') options.onDropped?.(decoded.envelope.agent, verdict.dropped);
        if (verdict === 'answer') lastAnswerMs = performance.now() - startedAt;
        check();
      },
    });
    const body: Omit<RequestEnvelope, 'sig'> = {
      v: FLEET_VERSION,
      type: 'request',
      to: options.to,
      reply,
      request: options.request,
      sender_public_key: options.identity.publicKey,
      nonce,
      ts: Date.now(),
    };
    startedAt = performance.now();
    connection.publish(REQUEST_SUBJECT, JSON.stringify(signBody(body, options.identity)));
    const clearAckTimer = setLongTimeout(() => {
      ackWindowOver = true;
      check();
    }, Math.min(options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS, options.timeoutMs));
    const clearDeadline = setLongTimeout(finish, options.timeoutMs);
    connection.flush().catch((error: unknown) => {
      if (over) return;
      over = true;
      clearAckTimer();
      clearDeadline();
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}
