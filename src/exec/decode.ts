// Output reaches clients as UTF-8 text (SPEC 2.2): invalid bytes become U+FFFD, as the WHATWG
// decoder (TextDecoder) replaces them; a byte order mark is kept, as everything else the
// command wrote is.
import { loadNativeAddon } from '../native/addon.js';
import type { OutputEvent, OutputStream } from '../protocol/types.js';

// Cuts a byte stream into pieces that end on a character boundary: a character split across
// two chunks is held back (at most 3 bytes) and goes out whole with the next piece. Invalid
// bytes are left in place: decoding a piece on its own replaces them exactly as decoding the
// whole stream would (WHATWG: one U+FFFD per maximal invalid subpart).
export interface Utf8Splitter {
  take(chunk: Buffer): Buffer;
  end(): Buffer; // what is held back at the end: an incomplete character (one U+FFFD)
}

const EMPTY = Buffer.alloc(0);

export function createUtf8Splitter(): Utf8Splitter {
  let held = EMPTY;
  return {
    take(chunk) {
      const bytes = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      const cut = bytes.length - incompleteUtf8Tail(bytes);
      held = cut === bytes.length ? EMPTY : Buffer.from(bytes.subarray(cut));
      return cut === bytes.length ? bytes : bytes.subarray(0, cut);
    },
    end() {
      const rest = held;
      held = EMPTY;
      return rest;
    },
  };
}

// How many bytes at the end of `bytes` are the start of a character still to be completed:
// a lead byte and only the continuation bytes it allows so far (the WHATWG ranges: E0 needs
// A0–BF next, ED 80–9F, F0 90–BF, F4 80–8F). 0 when the chunk ends on a boundary or on an
// invalid sequence (that one is replaced now, whatever follows).
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back += 1) {
    const lead = bytes[bytes.length - back] ?? 0;
    if (lead < 0x80) return 0;
    if (lead < 0xc0) continue; // a continuation byte: look further back for its lead
    const needs = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    if (needs < back) return 0; // complete, or not a lead at all
    let lower = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    let upper = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let at = bytes.length - back + 1; at < bytes.length; at += 1) {
      const byte = bytes[at] ?? 0;
      if (byte < lower || byte > upper) return 0;
      lower = 0x80;
      upper = 0xbf;
    }
    return back;
  }
  return 0;
}

// A stream-mode event over a piece of output that ends on a character boundary. Its `data` is
// decoded only when read; a door writing the wire line takes it from the bytes (outputLine).
const eventBytes = new WeakMap<OutputEvent, Buffer>();

export function outputEvent(stream: OutputStream, bytes: Buffer): OutputEvent {
  let data: string | null = null;
  const event: OutputEvent = {
    event: stream,
    get data() {
      return (data ??= bytes.toString('utf8'));
    },
  };
  eventBytes.set(event, bytes);
  return event;
}

const LINE_PREFIX: Record<OutputStream, Buffer> = {
  stdout: Buffer.from('{"event":"stdout","data":"'),
  stderr: Buffer.from('{"event":"stderr","data":"'),
};

// The event as a line of the wire protocol, byte for byte what encodeLine(event) would give: from
// its bytes through the addon when it is built (no string in between), else JSON.stringify.
export function outputEventLine(event: OutputEvent): Buffer | string {
  const bytes = eventBytes.get(event);
  const addon = bytes === undefined ? null : loadNativeAddon();
  if (addon === null || bytes === undefined) return `${JSON.stringify(event)}\n`;
  return addon.outputLine(LINE_PREFIX[event.event], bytes);
}
