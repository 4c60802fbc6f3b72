// Bytes → a validated, normalised RelayRequest, or code 2099 saying what is wrong.
import { RelayError } from './codes.js';
import { describeSchemaError, validateRequest, validateSignedRequest } from './schemas.js';
import type { Operation, RelayRequest } from './types.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

interface RawRequest {
  auth_key?: string;
  command?: string;
  arguments?: string | string[];
  id?: string | number;
  stream?: boolean;
  payload?: string;
  payload_encoding?: 'utf8' | 'base64';
  timeout?: number;
  op?: Operation;
  detach?: boolean;
  job_id?: string;
  offset?: number;
  wait?: number;
}

// Parses one framed request. `signed` drops the auth_key requirement (SPEC 9 envelopes).
export function parseRequest(body: Buffer | string, signed = false): RelayRequest {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  return validateRequestValue(parseJson(text), signed);
}

// Validates a JSON value a door already parsed (HTTP) with the same schema, no second parse.
// `keyOutside`: the door carried the key beside the body (`Authorization: Bearer`), so the
// body need not hold one; a body key that differs from it is refused.
export function validateRequestValue(parsed: unknown, signed = false, keyOutside?: string): RelayRequest {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RelayError('MALFORMED', 'request must be a JSON object');
  }
  const validate = signed || keyOutside !== undefined ? validateSignedRequest : validateRequest;
  if (!validate(parsed)) throw new RelayError('MALFORMED', describeSchemaError(validate.errors));
  const request = normalise(parsed);
  if (keyOutside !== undefined) {
    if ('auth_key' in parsed && request.auth_key !== keyOutside) throw new RelayError('MALFORMED', 'two different keys (body and Authorization)');
    request.auth_key = keyOutside;
  }
  return request;
}

function decodeUtf8(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new RelayError('MALFORMED', 'request is not valid UTF-8');
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') throw new RelayError('MALFORMED', 'empty request');
  try {
    return JSON.parse(text);
  } catch {
    throw new RelayError('MALFORMED', 'request is not valid JSON');
  }
}

function normalise(raw: RawRequest): RelayRequest {
  const args = raw.arguments === undefined ? [] : typeof raw.arguments === 'string' ? [raw.arguments] : raw.arguments;
  const request: RelayRequest = {
    auth_key: raw.auth_key ?? '',
    command: raw.command ?? '',
    arguments: args,
    stream: raw.stream ?? false,
    op: raw.op ?? 'run',
    detach: raw.detach ?? false,
  };
  if (raw.job_id !== undefined) request.job_id = raw.job_id;
  if (raw.offset !== undefined) request.offset = raw.offset;
  if (raw.wait !== undefined) request.wait = raw.wait;
  if (raw.id !== undefined) request.id = raw.id;
  if (raw.payload !== undefined) request.payload = raw.payload;
  if (raw.payload_encoding !== undefined) request.payload_encoding = raw.payload_encoding;
  if (raw.timeout !== undefined) request.timeout = raw.timeout;
  return request;
}
