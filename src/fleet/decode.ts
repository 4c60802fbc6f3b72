// Bytes from the broker → one envelope of a known shape, or a reason it is not one.
// The shapes are checked field by field: a broker can deliver anything.
import { parseUtf8Json } from '../protocol/index.js';
import { FLEET_VERSION, type Envelope } from './envelope.js';

export type Decoded = { ok: true; envelope: Envelope } | { ok: false; reason: string };

type Json = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const isOptionalString = (value: unknown): boolean => value === undefined || isString(value);

// Parses and shape-checks one message; never throws.
export function decodeEnvelope(data: Uint8Array): Decoded {
  const parsed = parseUtf8Json(data);
  if (parsed === undefined) return { ok: false, reason: 'not UTF-8 JSON' };
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'not a JSON object' };
  const body = parsed as Json;
  if (body.v !== FLEET_VERSION) return { ok: false, reason: 'unknown protocol version' };
  const problem = shapeProblem(body);
  return problem === null ? { ok: true, envelope: body as unknown as Envelope } : { ok: false, reason: problem };
}

function shapeProblem(body: Json): string | null {
  switch (body.type) {
    case 'request':
      if (!isString(body.to) || !isString(body.reply)) return 'request without to/reply';
      if (body.request === null || typeof body.request !== 'object' || Array.isArray(body.request)) return 'request without request object';
      return signedProblem(body, 'sender_public_key');
    case 'signal':
      if (!isString(body.name) || !isString(body.message)) return 'signal without name/message';
      return signedProblem(body, 'sender_public_key');
    case 'ack':
    case 'response':
      if (!isString(body.agent) || !isString(body.nonce) || !isTime(body.ts)) return 'reply without agent/nonce/ts';
      if (!isOptionalString(body.agent_public_key) || !isOptionalString(body.sig)) return 'reply with a malformed signature';
      if (body.type === 'response' && (body.response === null || typeof body.response !== 'object')) return 'response without response';
      return null;
    default:
      return 'unknown message type';
  }
}

function signedProblem(body: Json, keyField: string): string | null {
  if (!isString(body[keyField]) || !isString(body.nonce) || !isTime(body.ts) || !isString(body.sig)) {
    return 'missing signature fields';
  }
  return null;
}
