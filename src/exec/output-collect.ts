// What happens to each chunk of output: the cap first, then decoding, then it is either kept
// for the final response (captured mode) or handed to the door at once (stream mode, SPEC 2.3).
import type { OutputEvent, OutputStream } from '../protocol/types.js';
import { createUtf8Splitter, outputEvent } from './decode.js';
import type { OutputAccount, OutputListener, OutputSink } from './types.js';

export interface CollectedOutput {
  stdout: string; // '' in stream mode
  stderr: string;
  truncated: boolean;
}

export interface OutputCollector {
  // Takes one raw chunk; a promise means the listener wants the pipes paused until it settles.
  push(stream: OutputStream, chunk: Buffer): void | Promise<void>;
  // Flushes what the decoders still hold and returns what was kept.
  finish(): Promise<CollectedOutput>;
}

// Caps, decodes and keeps or streams output (or hands the raw bytes to a sink); calls onCapReached
// once, when a byte is dropped (past maxOutput, or past what the daemon-wide account still lets
// this run keep).
export function createOutputCollector(
  maxOutput: number | null,
  onOutput: OutputListener | null,
  onCapReached: () => void,
  account: OutputAccount | null = null,
  sink: OutputSink | null = null,
): OutputCollector {
  const budget = createOutputBudget(maxOutput);
  // Pieces that end on a character boundary: decoded once at the end (captured mode), or
  // handed out as events (stream mode).
  const splitters = { stdout: createUtf8Splitter(), stderr: createUtf8Splitter() };
  const kept: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  let capReported = false;
  let cutByAccount = false;
  // RunPlan: maxOutput null means nothing is captured; without a listener, output is dropped.
  const capture = maxOutput !== null;
  const keeps = capture && onOutput === null && sink === null; // a sink spools: nothing is held

  const deliver = (stream: OutputStream, bytes: Buffer): void | Promise<void> => {
    if (bytes.length === 0) return;
    if (onOutput === null) {
      if (capture) kept[stream].push(bytes);
      return;
    }
    return notify(onOutput, outputEvent(stream, bytes));
  };

  return {
    push(stream, chunk) {
      let fits = cutByAccount ? chunk.subarray(0, 0) : budget.take(chunk);
      if (keeps && fits.length > 0 && account !== null && !account.take(fits.length)) {
        cutByAccount = true;
        fits = chunk.subarray(0, 0);
      }
      if ((budget.exceeded || cutByAccount) && !capReported) {
        capReported = true;
        onCapReached();
      }
      if (fits.length === 0) return;
      if (sink !== null) return sink(fits);
      return deliver(stream, splitters[stream].take(fits));
    },
    async finish() {
      if (sink !== null) return { stdout: '', stderr: '', truncated: budget.exceeded };
      for (const stream of ['stdout', 'stderr'] as const) {
        // Awaited only when the listener asked to wait: each await is a turn of the microtask queue.
        const delivered = deliver(stream, splitters[stream].end());
        if (delivered !== undefined) await delivered;
      }
      return { stdout: decodeAll(kept.stdout), stderr: decodeAll(kept.stderr), truncated: budget.exceeded || cutByAccount };
    },
  };
}

// Calls the door's listener. A listener that throws or rejects is the door's failure, not the
// command's: the run goes on (the door aborts clientGone if it wants the command stopped).
function notify(listener: OutputListener, event: OutputEvent): void | Promise<void> {
  try {
    const returned = listener(event);
    if (returned instanceof Promise) return returned.then(ignore, ignore);
  } catch {
    // see above
  }
}

function ignore(): void {}

// The kept pieces as one text (each piece ends on a character boundary, so together they decode
// as the stream would).
function decodeAll(pieces: Buffer[]): string {
  if (pieces.length === 0) return '';
  return (pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces)).toString('utf8');
}

// `max_output` (SPEC 5.2) caps stdout and stderr together, counted in bytes as the command
// wrote them, before decoding.

interface OutputBudget {
  // The part of the chunk that still fits: all of it, its head, or nothing.
  take(chunk: Buffer): Buffer;
  // True once a byte had to be dropped.
  readonly exceeded: boolean;
}

// Counts combined output against the cap (null = no cap) and keeps exactly the first bytes.
function createOutputBudget(maxOutput: number | null): OutputBudget {
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
