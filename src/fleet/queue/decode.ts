// Bytes from JetStream → one queue message of a known shape, or why not. A broker can store
// anything under any subject, so every field is checked before anything trusts it.
import { parseUtf8Json } from '../../protocol/index.js';
import { FLEET_VERSION } from '../envelope.js';
import type { AgentRegistration, QueueManifest, QueueRecord, QueuedEnvelope } from './envelope.js';

type Json = Record<string, unknown>;
type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

const isString = (value: unknown): value is string => typeof value === 'string';
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function parse(data: Uint8Array): Json | null {
  const parsed = parseUtf8Json(data);
  return isObject(parsed) && parsed.v === FLEET_VERSION ? parsed : null;
}

function isQueued(body: Json): boolean {
  return (
    body.type === 'queued' &&
    isString(body.id) &&
    isString(body.to) &&
    isObject(body.request) &&
    isString(body.sender_public_key) &&
    isString(body.nonce) &&
    isTime(body.ts) &&
    isTime(body.expires) &&
    isString(body.sig)
  );
}

// A queued copy (what an agent takes from its subject).
export function decodeQueued(data: Uint8Array): Result<QueuedEnvelope> {
  const body = parse(data);
  if (body === null) return { ok: false, reason: 'not a version 1 JSON object' };
  return isQueued(body) ? { ok: true, value: body as unknown as QueuedEnvelope } : { ok: false, reason: 'not a queued request' };
}

// An agent's record in the results stream.
export function decodeRecord(data: Uint8Array): Result<QueueRecord> {
  const body = parse(data);
  const ok =
    body !== null &&
    body.type === 'queue-record' &&
    isString(body.id) &&
    isString(body.agent) &&
    isString(body.nonce) &&
    isTime(body.ts) &&
    (body.state === 'started' || body.state === 'expired' || (body.state === 'answered' && isObject(body.response))) &&
    isString(body.agent_public_key) &&
    isString(body.sig);
  return ok ? { ok: true, value: body as unknown as QueueRecord } : { ok: false, reason: 'not a queue record' };
}

// The sender's manifest.
export function decodeManifest(data: Uint8Array): Result<QueueManifest> {
  const body = parse(data);
  const targets = body?.targets;
  const ok =
    body !== null &&
    body.type === 'queue-manifest' &&
    isString(body.id) &&
    isString(body.to) &&
    isString(body.command) &&
    isString(body.sender_public_key) &&
    isTime(body.ts) &&
    isTime(body.expires) &&
    Array.isArray(targets) &&
    targets.every((target) => isObject(target) && isString(target.agent) && isTime(target.seq)) &&
    isString(body.sig);
  return ok ? { ok: true, value: body as unknown as QueueManifest } : { ok: false, reason: 'not a queue manifest' };
}

// A registry entry; null when the value is not one.
export function decodeRegistration(data: Uint8Array): AgentRegistration | null {
  const body = parse(data);
  if (body === null || !isString(body.name) || !isString(body.public_key) || !isTime(body.registered_at)) return null;
  return body as unknown as AgentRegistration;
}
