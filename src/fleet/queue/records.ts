// The records an agent stores in USCMDRELAY_RESULTS, made to fit one broker message.
import type { Identity } from '../identity.js';
import { signBody } from '../sign.js';
import type { QueueRecord } from './envelope.js';

const HEADROOM = 1024; // for the message id and expectation headers
export const TRUNCATED_NOTE = '\n[output truncated to fit the broker\'s max_payload]';

// The signed record as JSON, its answer's output cut (keeping the start) until it fits in one
// broker message: an answer that cannot be stored would leave the request reported unanswered.
export function fitRecord(body: Omit<QueueRecord, 'sig'>, identity: Identity, maxPayload: number): string {
  let data = JSON.stringify(signBody(body, identity));
  const limit = Math.max(4096, maxPayload - HEADROOM);
  const response = body.response;
  if (response === undefined) return data;
  let message = response.message;
  while (Buffer.byteLength(data) > limit && message.length > 0) {
    // Cut in proportion (characters are not bytes, and JSON escapes widen), then check again.
    const keep = Math.floor((message.length * limit * 0.98) / Buffer.byteLength(data)) - TRUNCATED_NOTE.length;
    message = message.slice(0, Math.max(0, Math.min(message.length - 1, keep)));
    data = JSON.stringify(signBody({ ...body, response: { ...response, message: `${message}${TRUNCATED_NOTE}`, truncated: true } }, identity));
  }
  return data;
}
