// Output reaches clients as UTF-8 text (SPEC 2.2): invalid bytes become U+FFFD.
import { StringDecoder } from 'node:string_decoder';

export interface StreamDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

// Decodes a byte stream chunk by chunk, so a character split across two chunks stays whole;
// a byte order mark is kept, as everything else the command wrote is. Node's StringDecoder
// replaces invalid bytes as the WHATWG decoder (TextDecoder) does, several times faster; it
// is made at the first chunk: most runs leave one stream (often both) empty.
export function createStreamDecoder(): StreamDecoder {
  let decoder: StringDecoder | null = null;
  return {
    write: (chunk) => (decoder ??= new StringDecoder('utf8')).write(chunk),
    end: () => (decoder === null ? '' : decoder.end()),
  };
}
