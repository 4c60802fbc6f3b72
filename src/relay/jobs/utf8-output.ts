// Reading a job's output by byte offset (SPEC 10): at most maxBytes an answer, decoded as UTF-8,
// with an incomplete character at the end held back for the next call, so that a client that
// concatenates the pieces gets exactly the bytes the command wrote.
import { open } from 'node:fs/promises';
import { incompleteUtf8Tail } from '../../exec/index.js';

const MAX_OUTPUT_PER_ANSWER = 1024 * 1024;

export interface OutputPiece {
  output: string;
  nextOffset: number;
  atEnd: boolean; // nothing after nextOffset in the file (as of this read)
}

// How many bytes at the start of buf end on a character boundary: a trailing lead byte whose
// continuation bytes have not all arrived is left out. Invalid bytes are not held back (they
// decode to U+FFFD whatever follows).
export function completeUtf8Length(buf: Uint8Array): number {
  return buf.length - incompleteUtf8Tail(buf);
}

// Reads from offset up to maxBytes. When final (the job has ended, nothing more will come), an
// incomplete character at the very end is given as U+FFFD rather than held back for ever.
export async function readOutputPiece(path: string, offset: number, final: boolean, maxBytes = MAX_OUTPUT_PER_ANSWER): Promise<OutputPiece> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isNotFound(error)) return { output: '', nextOffset: offset, atEnd: true };
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    if (offset >= size) return { output: '', nextOffset: offset, atEnd: true };
    const want = Math.min(maxBytes, size - offset);
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await handle.read(buf, got, want - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const read = buf.subarray(0, got);
    const reachesEnd = offset + got >= size;
    let keep = completeUtf8Length(read);
    // A piece cut at maxBytes in the middle of a character ends before it; a piece that cannot
    // hold even one whole character (maxBytes < 4) gives the bytes anyway, to make progress.
    if (keep === 0 && got > 0 && !reachesEnd) keep = got;
    if (final && reachesEnd) keep = got;
    return { output: read.subarray(0, keep).toString('utf8'), nextOffset: offset + keep, atEnd: offset + keep >= size };
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
