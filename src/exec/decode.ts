// Output reaches clients as UTF-8 text (SPEC 2.2): invalid bytes become U+FFFD.

export interface StreamDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

// Decodes a byte stream chunk by chunk, so a character split across two chunks stays whole;
// a byte order mark is kept, as everything else the command wrote is.
export function createStreamDecoder(): StreamDecoder {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
}
