// One request in: bytes up to the first `\n`, or up to the end of the client's sending side.
// Lines out: one JSON object per line.

export type FrameState =
  | { kind: 'pending' }
  | { kind: 'complete'; body: Buffer }
  | { kind: 'too_large' };

// Collects chunks of one request without ever holding more than `maxBytes` of it.
export class RequestFramer {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  // Adds a chunk; complete at the first newline (anything after it is ignored).
  push(chunk: Buffer): FrameState {
    const newline = chunk.indexOf(0x0a);
    const part = newline === -1 ? chunk : chunk.subarray(0, newline);
    if (this.size + part.length > this.maxBytes) return { kind: 'too_large' };
    this.chunks.push(part);
    this.size += part.length;
    return newline === -1 ? { kind: 'pending' } : { kind: 'complete', body: this.body() };
  }

  // The client closed its sending side: whatever arrived is the request.
  end(): FrameState {
    return { kind: 'complete', body: this.body() };
  }

  private body(): Buffer {
    const body = Buffer.concat(this.chunks, this.size);
    // A client ending lines with CRLF (telnet, some nc builds) is not malformed.
    return body.length > 0 && body[body.length - 1] === 0x0d ? body.subarray(0, -1) : body;
  }
}

// Serialises one object as a line of the wire protocol.
export function encodeLine(value: object): string {
  return `${JSON.stringify(value)}\n`;
}
