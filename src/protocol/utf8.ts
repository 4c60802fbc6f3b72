// Bytes from the network (a request, a fleet or queue message) are UTF-8 or refused: never read
// with replacement characters that change what they say.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// The text, or null when the bytes are not UTF-8.
export function decodeStrictUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

// The JSON value the bytes hold, or undefined when they are not UTF-8 JSON (a broker's message:
// why does not matter to the one who drops it).
export function parseUtf8Json(bytes: Uint8Array): unknown {
  const text = decodeStrictUtf8(bytes);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
