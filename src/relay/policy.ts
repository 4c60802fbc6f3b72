// Stage: the command's policy on what the client sent (SPEC 5.2, 5.4): arguments and payload.
import type { CommandSpec } from '../config/index.js';
import { RelayError, type RoadRequest } from '../protocol/index.js';

// Checks the client's arguments and payload against the command's rules; yields the payload's
// bytes (null: none was sent).
export function applyPolicy(command: CommandSpec, request: RoadRequest): Buffer | null {
  checkArguments(command, request.arguments);
  return decodePayload(command, request);
}

// Fails with 2002 naming the rule, or the 1-based position of the argument that broke it.
function checkArguments(command: CommandSpec, args: readonly string[]): void {
  const { min, max } = command.args;
  if (args.length < min || (max !== null && args.length > max)) {
    throw new RelayError('ARGS_REJECTED', `expected ${describeCount(min, max)}, got ${args.length}`);
  }
  const pattern = command.argPattern;
  if (pattern === null) return;
  const bad = args.findIndex((arg) => !pattern.test(arg));
  if (bad !== -1) throw new RelayError('ARGS_REJECTED', `argument ${bad + 1} does not match the allowed pattern`);
}

function describeCount(min: number, max: number | null): string {
  if (max === 0) return 'no arguments';
  if (max === null) return `at least ${min} arguments`;
  return min === max ? `exactly ${min} arguments` : `${min} to ${max} arguments`;
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

// Decodes the payload and checks it against the command's `payload` and `max_payload` (2004).
function decodePayload(command: CommandSpec, request: RoadRequest): Buffer | null {
  if (request.payload === undefined) return null;
  if (command.payload === 'none') throw new RelayError('PAYLOAD_REJECTED', 'this command takes no payload');
  const encoded = request.payload;
  if (request.payload_encoding === 'base64') {
    const compact = encoded.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !base64.test(compact)) throw new RelayError('MALFORMED', "field 'payload' is not valid base64");
    if ((compact.length / 4) * 3 > command.maxPayload + 2) throw tooLarge(command);
    return checkSize(command, Buffer.from(compact, 'base64'));
  }
  if (Buffer.byteLength(encoded, 'utf8') > command.maxPayload) throw tooLarge(command);
  return Buffer.from(encoded, 'utf8');
}

function checkSize(command: CommandSpec, payload: Buffer): Buffer {
  if (payload.length > command.maxPayload) throw tooLarge(command);
  return payload;
}

function tooLarge(command: CommandSpec): RelayError {
  return new RelayError('PAYLOAD_REJECTED', `larger than ${command.maxPayload} bytes`);
}
