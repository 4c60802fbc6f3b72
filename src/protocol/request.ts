// The request of SPEC 2.1: its one type, and how a door turns bytes (or a JSON value it parsed
// itself) into a validated request plus the key it carried, or code 2099 saying what is wrong.
import { RelayError } from './codes.js';
import { describeSchemaError, validateKeylessRequest, validateRequest } from './schemas.js';
import { decodeStrictUtf8 } from './utf8.js';

// Every field schemas/request.schema.json admits, as the schema types it: the one place a
// request field is typed. test/protocol/request.test.ts holds REQUEST_FIELDS to the schema.
export interface WireRequest {
  auth_key?: string;
  command?: string;
  arguments?: string | string[];
  id?: string | number;
  stream?: boolean;
  payload?: string;
  payload_encoding?: 'utf8' | 'base64';
  timeout?: number;
  op?: 'run' | 'list' | 'job' | 'jobs' | 'cancel';
  detach?: boolean; // start a job (SPEC 10)
  job_id?: string; // op job / cancel
  offset?: number; // op job: byte offset into the job's output
  wait?: number; // op job: seconds to hold the answer for new output (≤ 60)
}

export const REQUEST_FIELDS = [
  'auth_key',
  'command',
  'arguments',
  'id',
  'stream',
  'payload',
  'payload_encoding',
  'timeout',
  'op',
  'detach',
  'job_id',
  'offset',
  'wait',
] as const satisfies ReadonlyArray<keyof WireRequest>;

export type Operation = NonNullable<WireRequest['op']>;

// The fields that have a default (SPEC 2.1), and it.
const DEFAULTS = { command: '', stream: false, op: 'run', detach: false } as const satisfies Partial<WireRequest>;

// What the road takes: defaults filled in, arguments always an array, and no key — the door
// turned that into a Credential.
export type RoadRequest = Omit<WireRequest, 'auth_key' | 'arguments' | keyof typeof DEFAULTS> &
  Required<Pick<WireRequest, keyof typeof DEFAULTS>> & { arguments: string[] };

// A request as a client sends it, defaults filled in (the package's public type, src/index.ts).
export type RelayRequest = RoadRequest & { auth_key: string };

// A validated request and the key its body carried, if any.
export interface ReadRequest {
  request: RoadRequest;
  bodyKey: string | undefined;
}

// Bytes → the JSON value of one framed request (strict UTF-8, not empty, JSON).
export function decodeRequestBody(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  if (text.trim() === '') throw new RelayError('MALFORMED', 'empty request');
  try {
    return JSON.parse(text);
  } catch {
    throw new RelayError('MALFORMED', 'request is not valid JSON');
  }
}

// Validates a request value against the schema, once. `keyInBody`: the door has no credential
// but the body's `auth_key` (TCP), so the schema requires it; a door whose credential came
// beside the body (a signature, an Authorization header) validates without that requirement.
export function readRequest(value: unknown, keyInBody: boolean): ReadRequest {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RelayError('MALFORMED', 'request must be a JSON object');
  }
  const validate = keyInBody ? validateRequest : validateKeylessRequest;
  if (!validate(value)) throw new RelayError('MALFORMED', describeSchemaError(validate.errors));
  return { request: normalise(value), bodyKey: value.auth_key };
}

function decodeUtf8(body: Buffer): string {
  const text = decodeStrictUtf8(body);
  if (text === null) throw new RelayError('MALFORMED', 'request is not valid UTF-8');
  return text;
}

// Copies the schema's fields only (ajv leaves unknown ones in place), defaults first. The
// defaults are written out, not spread (README, Benchmarks: "Young garbage").
function normalise(wire: WireRequest): RoadRequest {
  const request: RoadRequest = { command: DEFAULTS.command, stream: DEFAULTS.stream, op: DEFAULTS.op, detach: DEFAULTS.detach, arguments: [] };
  const fields: Record<string, unknown> = request;
  for (const field of REQUEST_FIELDS) {
    if (field === 'auth_key' || wire[field] === undefined) continue;
    fields[field] = wire[field];
  }
  if (typeof wire.arguments === 'string') request.arguments = [wire.arguments];
  return request;
}
