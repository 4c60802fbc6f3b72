// What the HTTP door reads off a request besides the body: who asked, the key beside the body,
// how the answer is wanted. Nothing here checks a key: that is the road's work.
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Caller } from '../../relay/index.js';

export function callerOf(socket: Socket): Caller {
  return { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, transport: 'http' };
}

export type BearerResult = { kind: 'none' } | { kind: 'key'; key: string } | { kind: 'malformed' };

// `Authorization: Bearer KEY` (the scheme in any case, RFC 7235).
export function bearerOf(headers: IncomingHttpHeaders): BearerResult {
  const value = headers.authorization;
  if (value === undefined) return { kind: 'none' };
  const match = /^Bearer +(\S+) *$/i.exec(value);
  return match?.[1] ? { kind: 'key', key: match[1] } : { kind: 'malformed' };
}

// Query parameters that would carry a key: refused before anything else reads the request.
const KEY_PARAMETERS = new Set(['auth_key', 'key', 'api_key', 'apikey', 'access_token', 'token', 'bearer', 'authorization']);

export function hasKeyInQuery(url: string): boolean {
  const start = url.indexOf('?');
  if (start === -1) return false;
  for (const name of new URLSearchParams(url.slice(start + 1)).keys()) {
    if (KEY_PARAMETERS.has(name.toLowerCase())) return true;
  }
  return false;
}

export type AnswerMode = 'json' | 'ndjson' | 'sse';

// `Accept` picks a streamed answer; anything else is one JSON response.
export function answerModeOf(headers: IncomingHttpHeaders): AnswerMode {
  const accept = headers.accept ?? '';
  if (accept.includes('application/x-ndjson')) return 'ndjson';
  if (accept.includes('text/event-stream')) return 'sse';
  return 'json';
}
