// `send --queue` (SPEC 9.1): store the request for every registered agent the target aims at,
// print the request id and where it was queued, exit 0 once JetStream has every copy.
import { DEFAULT_EXPIRE_MS, queueFleetRequest, type FleetRequest, type QueueSendResult, type Identity, type OutputFormat } from '../fleet/index.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { durationOrExit } from './fleet-support.js';
import { exits, exitWith } from './exits.js';

export interface QueueSendInput {
  connection: NatsConnection;
  identity: Identity;
  to: string;
  request: FleetRequest;
  expire: string | undefined;
  resultRetentionMs: number | null;
  replicas: number;
  format: OutputFormat;
}

export function expireOrExit(expire: string | undefined): number {
  if (expire === undefined) return DEFAULT_EXPIRE_MS;
  const ms = durationOrExit('expire', expire);
  if (ms < 1000) exitWith(exits.USAGE, '--expire must be at least 1s');
  return ms;
}

// Queues, prints, and returns the exit status: 0 every copy stored, 1 some not, 3 no agent matched.
export async function sendQueued(input: QueueSendInput): Promise<number> {
  const expireMs = expireOrExit(input.expire);
  let result: QueueSendResult;
  try {
    result = await queueFleetRequest({ connection: input.connection, identity: input.identity, to: input.to, request: input.request, expireMs, resultRetentionMs: input.resultRetentionMs, replicas: input.replicas });
  } catch (error) {
    return exitWith(exits.USAGE, `cannot queue: ${(error as Error).message}`);
  }
  const warn = (message: string): void => void process.stderr.write(`uscmdrelay: ${message}\n`);
  if (result.queued.length === 0 && result.failed.length === 0) {
    warn(`no registered agent matches ${input.to} (see uscmdrelay agents)`);
    return exits.NO_AGENT_ANSWERED;
  }
  const agents = result.queued.map((target) => target.agent);
  const expires = new Date(result.expires).toISOString();
  if (input.format === 'json') {
    process.stdout.write(`${JSON.stringify({ request_id: result.id, expires, queued: agents, failed: result.failed.map((entry) => entry.agent) })}\n`);
  } else if (input.format === 'csv') {
    process.stdout.write(agents.map((agent) => `${agent},${result.id}\n`).join(''));
  } else {
    process.stdout.write([`request_id ${result.id}`, `expires ${expires}`, ...agents.map((agent) => `queued ${agent}`)].map((line) => `${line}\n`).join(''));
  }
  for (const { agent, error } of result.failed) warn(`not queued for ${agent}: ${error}`);
  if (result.manifestError !== null) warn(`queued, but the manifest was not stored (results cannot list ${result.id}): ${result.manifestError}`);
  if (result.queued.length === 0) return exits.NO_AGENT_ANSWERED;
  return result.failed.length > 0 || result.manifestError !== null ? exits.SEND_FAILED : exits.OK;
}
