// Bytes → a validated, normalised RelayRequest, or code 2099 saying what is wrong.
import { RelayError } from './codes.js';
import { describeSchemaError, validateRequest, validateSignedRequest } from './schemas.js';
import type { RelayRequest } from './types.js';

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
  op?: 'run' | 'list';
}

// Parses one framed request. `signed` drops the auth_key requirement (SPEC 9 envelopes).
export function parseRequest(body: Buffer | string, signed = false): RelayRequest {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  const parsed = parseJson(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RelayError('MALFORMED', 'request must be a JSON object');
  }
  const validate = signed ? validateSignedRequest : validateRequest;
  if (!validate(parsed)) throw new RelayError('MALFORMED', describeSchemaError(validate.errors));
  return normalise(parsed as RawRequest);
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
  };
  if (raw.id !== undefined) request.id = raw.id;
  if (raw.payload !== undefined) request.payload = raw.payload;
  if (raw.payload_encoding !== undefined) request.payload_encoding = raw.payload_encoding;
  if (raw.timeout !== undefined) request.timeout = raw.timeout;
  return request;
}
