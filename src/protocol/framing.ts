// One request in (SPEC 2): a JSON object that may span several lines, ended by the first `\n`
// after a complete JSON value, or by the end of the client's sending side. Leading white space
// (blank lines) is skipped; a line that cannot start or continue a JSON object ends the request
// at once, so the parser answers 2099 without waiting for the request timeout.
// Lines out: one JSON object per line.

export type FrameState =
  | { kind: 'pending' }
  | { kind: 'complete'; body: Buffer }
  | { kind: 'too_large' };

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

// Bytes that may appear outside strings inside a JSON object besides brackets and quotes:
// white space, `:` `,`, numbers, and the letters of true/false/null.
const VALUE_BYTES = new Uint8Array(256);
for (const c of ' \t\r\n:,0123456789+-.eEtrufalsn') VALUE_BYTES[c.charCodeAt(0)] = 1;
const isWhite = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === NEWLINE;

// Collects chunks of one request without ever holding more than `maxBytes` of it.
export class RequestFramer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  // The scanner's state across chunks: just enough JSON to know where the object ends.
  private started = false; // the first `{` was seen
  private depth = 0; // open `{`/`[` outside strings
  private inString = false;
  private escaped = false;
  private closed = false; // the object's last `}` was seen: the next newline ends the request

  constructor(private readonly maxBytes: number) {}

  // Adds a chunk; complete when the scanner finds the request's end (anything after is ignored).
  push(chunk: Buffer): FrameState {
    const end = this.scan(chunk);
    const part = end === null ? chunk : chunk.subarray(0, end);
    if (this.size + part.length > this.maxBytes) return { kind: 'too_large' };
    this.chunks.push(part);
    this.size += part.length;
    return end === null ? { kind: 'pending' } : { kind: 'complete', body: this.body() };
  }

  // The client closed its sending side: whatever arrived is the request.
  end(): FrameState {
    return { kind: 'complete', body: this.body() };
  }

  // Where the request ends in this chunk (exclusive), or null when it goes on.
  private scan(chunk: Buffer): number | null {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] ?? 0;
      if (this.inString) {
        if (byte === NEWLINE) return i; // a raw newline inside a string: not JSON
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === NEWLINE) {
        if (this.closed) return i;
        continue; // a leading blank line, or a line inside the object
      }
      if (this.closed || !this.started) {
        if (isWhite(byte)) continue;
        if (this.closed || byte !== 0x7b) return lineEnd(chunk, i); // cannot start or follow the object
        this.started = true;
        this.depth = 1;
        continue;
      }
      if (byte === 0x7b || byte === 0x5b) this.depth++;
      else if (byte === 0x7d || byte === 0x5d) {
        this.depth--;
        if (this.depth === 0) this.closed = true;
      } else if (byte === QUOTE) this.inString = true;
      else if (VALUE_BYTES[byte] !== 1) return lineEnd(chunk, i); // cannot continue a JSON object
    }
    return null;
  }

  private body(): Buffer {
    // Most requests arrive in one chunk: that chunk is the body, no copy (it is decoded at once).
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
    // A client ending lines with CRLF (telnet, some nc builds) is not malformed.
    return body.length > 0 && body[body.length - 1] === 0x0d ? body.subarray(0, -1) : body;
  }
}

// The end of the line holding byte `from`: its newline, or the end of what has arrived.
function lineEnd(chunk: Buffer, from: number): number {
  const newline = chunk.indexOf(NEWLINE, from);
  return newline === -1 ? chunk.length : newline;
}

// Serialises one object as a line of the wire protocol.
export function encodeLine(value: object): string {
  return `${JSON.stringify(value)}\n`;
}
