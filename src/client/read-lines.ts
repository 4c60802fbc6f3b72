// Splits the relay's answer into lines, decoding each only once it is whole (a UTF-8 character
// may straddle two chunks).
export interface LinePart {
  text: string;
  terminated: boolean; // false for bytes left without a final `\n` when the relay closed
}

// Yields every line the socket delivers until it ends; socket errors are thrown to the caller.
export async function* readLines(socket: AsyncIterable<Buffer>): AsyncGenerator<LinePart> {
  let pending: Buffer[] = [];
  for await (const chunk of socket) {
    let start = 0;
    let newline = chunk.indexOf(0x0a, start);
    while (newline !== -1) {
      pending.push(chunk.subarray(start, newline));
      yield { text: Buffer.concat(pending).toString('utf8'), terminated: true };
      pending = [];
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  const rest = Buffer.concat(pending);
  if (rest.length > 0) yield { text: rest.toString('utf8'), terminated: false };
}
