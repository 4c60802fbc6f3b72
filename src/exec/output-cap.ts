// `max_output` (SPEC 5.2) caps stdout and stderr together, counted in bytes as the command
// wrote them, before decoding.

export interface OutputBudget {
  // The part of the chunk that still fits: all of it, its head, or nothing.
  take(chunk: Buffer): Buffer;
  // True once a byte had to be dropped.
  readonly exceeded: boolean;
}

// Counts combined output against the cap (null = no cap) and keeps exactly the first bytes.
export function createOutputBudget(maxOutput: number | null): OutputBudget {
  let left = maxOutput ?? Number.POSITIVE_INFINITY;
  let exceeded = false;
  return {
    take(chunk) {
      if (chunk.length <= left) {
        left -= chunk.length;
        return chunk;
      }
      exceeded = true;
      const head = chunk.subarray(0, left);
      left = 0;
      return head;
    },
    get exceeded() {
      return exceeded;
    },
  };
}
