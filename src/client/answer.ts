// The relay's answer as the client reads it: the bytes split into lines, decoded only once whole
// (a UTF-8 character may straddle two chunks), and each line given its meaning: an output event
// (SPEC 2.3) or the final response (2.2). Both doors' exchanges read answers this way.
import type { OutputEvent, RelayResponse } from '../protocol/index.js';
import { ClientError } from './errors.js';

export interface LinePart {
  text: string;
  terminated: boolean; // false for bytes left without a final `\n` when the relay closed
}

// Yields every line the socket delivers until it ends; socket errors are thrown to the caller.
export async function* readLines(socket: AsyncIterable<Buffer>): AsyncGenerator<LinePart> {
  let pending: Buffer[] = [];
  for await (const chunk of socket) {
    let start = 0;
    let newline = chunk.indexOf(0x0a, start);
    while (newline !== -1) {
      pending.push(chunk.subarray(start, newline));
      yield { text: Buffer.concat(pending).toString('utf8'), terminated: true };
      pending = [];
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  const rest = Buffer.concat(pending);
  if (rest.length > 0) yield { text: rest.toString('utf8'), terminated: false };
}

// null: an event this client does not know (from a newer relay), to be skipped.
export type ParsedLine = OutputEvent | RelayResponse | null;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Shows at most the start of a line that made no sense, and hints at the usual cause.
function unparseable(text: string, target: string, why: string): ClientError {
  // 0x15 / 0x16 start a TLS alert / handshake record: a TLS server was sent plain TCP.
  const first = text.charCodeAt(0);
  const hint = (first === 0x15 || first === 0x16) && text.charCodeAt(1) === 0x03 ? ' (the relay speaks TLS: use --tls)' : '';
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return new ClientError('protocol', `unparseable answer from ${target}: ${why}: ${shown}${hint}`);
}

// Throws a ClientError('protocol') for anything that is not a line of the wire protocol.
export function parseAnswerLine(text: string, target: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unparseable(text, target, 'not JSON');
  }
  if (!isObject(value)) throw unparseable(text, target, 'not a JSON object');
  if ('event' in value) {
    if (value.event !== 'stdout' && value.event !== 'stderr') return null;
    if (typeof value.data !== 'string') throw unparseable(text, target, 'event without string data');
    return { event: value.event, data: value.data };
  }
  if (typeof value.code !== 'number' || typeof value.status !== 'string') {
    throw unparseable(text, target, 'neither an event nor a response (no numeric code and string status)');
  }
  // The original relay sent fewer fields; fill what it left out so callers can rely on the type.
  return {
    ...value,
    message: typeof value.message === 'string' ? value.message : '',
    exit_code: typeof value.exit_code === 'number' ? value.exit_code : null,
    signal: typeof value.signal === 'string' ? value.signal : null,
    duration_ms: typeof value.duration_ms === 'number' ? value.duration_ms : 0,
    request_id: typeof value.request_id === 'string' ? value.request_id : '',
  } as RelayResponse;
}
