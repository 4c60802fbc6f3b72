// The client library's exchanges (SPEC 7.1, 7.2): `call` runs a command and resolves with its
// response, `callStream` yields its output as produced, `list` asks what the key may run; and the
// request objects of SPEC 2.1 they send. Jobs are in jobs.ts.
import { isUtf8 } from 'node:buffer';
import { codes, type ListedCommand, type RelayResponse } from '../protocol/index.js';
import { exchange, exchangeOnce } from './exchange.js';
import type { AnswerLine, CallEvent, CallOptions, ConnectionOptions, ListResult, WireRequest } from './types.js';

interface EncodedPayload {
  payload: string;
  payload_encoding?: 'base64';
}

// Text goes as it is; bytes that are not clean UTF-8, or hold NUL (which the schema refuses in
// any string), go as base64 so the command gets exactly those bytes.
function encodePayload(payload: Buffer | string): EncodedPayload {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (isUtf8(bytes) && !bytes.includes(0)) return { payload: bytes.toString('utf8') };
  return { payload: bytes.toString('base64'), payload_encoding: 'base64' };
}

// Only fields that were given are sent, so an original (Python) relay sees what it always saw.
function buildRunRequest(options: CallOptions, stream: boolean): WireRequest {
  const request: WireRequest = { auth_key: options.key, command: options.command };
  if (options.args !== undefined && options.args.length > 0) request.arguments = [...options.args];
  if (options.id !== undefined) request.id = options.id;
  if (stream) request.stream = true;
  if (options.payload !== undefined) Object.assign(request, encodePayload(options.payload));
  if (options.timeout !== undefined) request.timeout = options.timeout;
  if (options.detach === true) request.detach = true;
  return request;
}

// The `op: "list"` request of SPEC 7.2.
function buildListRequest(key: string): WireRequest {
  return { auth_key: key, op: 'list' };
}

// Resolves with the response even when it says "error" (its `code` tells why); rejects with a
// ClientError only when no response came.
export async function call(options: CallOptions): Promise<RelayResponse> {
  return (await exchangeOnce(options, buildRunRequest(options, false))).message;
}

// Yields stdout/stderr events in the order the command wrote them, then one `result` event.
// Breaking out of the loop closes the connection.
export async function* callStream(options: CallOptions): AsyncGenerator<CallEvent> {
  for await (const line of exchange(options, buildRunRequest(options, true))) {
    const message = line.message;
    yield 'code' in message ? { event: 'result', response: message } : message;
  }
}

// The same exchange with each line as the relay wrote it, for callers that print raw JSON.
export function callLines(options: CallOptions, stream: boolean): AsyncGenerator<AnswerLine> {
  return exchange(options, buildRunRequest(options, stream));
}

// Keeps the well-formed entries only: the listing is printed, and a relay is not trusted blindly.
function listedCommands(value: unknown): ListedCommand[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry: unknown): entry is { command: string; description?: unknown } => typeof entry === 'object' && entry !== null && 'command' in entry && typeof entry.command === 'string')
    .map((entry) => ({ command: entry.command, description: typeof entry.description === 'string' ? entry.description : '' }));
}

// Resolves with the response and its commands (none when the relay refused the key).
export async function list(options: ConnectionOptions): Promise<ListResult> {
  for await (const line of listLines(options)) {
    const message = line.message;
    if ('code' in message) return { response: message, commands: message.code === codes.OK.code ? listedCommands(message.commands) : [] };
  }
  throw new Error('unreachable: exchange ends with a response or throws');
}

// The list exchange with the relay's lines as written, for `--json`.
export function listLines(options: ConnectionOptions): AsyncGenerator<AnswerLine> {
  return exchange(options, buildListRequest(options.key));
}
