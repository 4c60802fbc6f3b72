// Output reaches clients as UTF-8 text (SPEC 2.2): invalid bytes become U+FFFD.
import { TextDecoder } from 'node:util';

export interface StreamDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

// Decodes a byte stream chunk by chunk, so a character split across two chunks stays whole;
// a byte order mark is kept, as everything else the command wrote is. The TextDecoder is made
// at the first chunk: most runs leave one stream (often both) empty.
export function createStreamDecoder(): StreamDecoder {
  let decoder: TextDecoder | null = null;
  return {
    write: (chunk) => (decoder ??= new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })).decode(chunk, { stream: true }),
    end: () => (decoder === null ? '' : decoder.decode()),
  };
}
