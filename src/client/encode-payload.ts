// How a payload travels in the request's `payload` string (SPEC 2.1, 5.4).
import { isUtf8 } from 'node:buffer';

export interface EncodedPayload {
  payload: string;
  payload_encoding?: 'base64';
}

// Text goes as it is; bytes that are not clean UTF-8, or hold NUL (which the schema refuses in
// any string), go as base64 so the command gets exactly those bytes.
export function encodePayload(payload: Buffer | string): EncodedPayload {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (isUtf8(bytes) && !bytes.includes(0)) return { payload: bytes.toString('utf8') };
  return { payload: bytes.toString('base64'), payload_encoding: 'base64' };
}
