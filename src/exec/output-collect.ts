// What happens to each chunk of output: the cap first, then decoding, then it is either kept
// for the final response (captured mode) or handed to the door at once (stream mode, SPEC 2.3).
import type { OutputEvent, OutputStream } from '../protocol/types.js';
import { createStreamDecoder } from './decode.js';
import { createOutputBudget } from './output-cap.js';
import type { OutputListener, OutputSink } from './types.js';

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

// Caps, decodes and keeps or streams output (or hands the raw bytes to a sink); calls onCapReached once, when a byte is dropped.
export function createOutputCollector(
  maxOutput: number | null,
  onOutput: OutputListener | null,
  onCapReached: () => void,
  sink: OutputSink | null = null,
): OutputCollector {
  const budget = createOutputBudget(maxOutput);
  const decoders = { stdout: createStreamDecoder(), stderr: createStreamDecoder() };
  const kept: Record<OutputStream, string[]> = { stdout: [], stderr: [] };
  let capReported = false;
  // RunPlan: maxOutput null means nothing is captured; without a listener, output is dropped.
  const capture = maxOutput !== null;

  const deliver = (event: OutputStream, data: string): void | Promise<void> => {
    if (data === '') return;
    if (onOutput === null) {
      if (capture) kept[event].push(data);
      return;
    }
    return notify(onOutput, { event, data });
  };

  return {
    push(stream, chunk) {
      const fits = budget.take(chunk);
      if (budget.exceeded && !capReported) {
        capReported = true;
        onCapReached();
      }
      if (fits.length === 0) return;
      if (sink !== null) return sink(fits);
      return deliver(stream, decoders[stream].write(fits));
    },
    async finish() {
      if (sink !== null) return { stdout: '', stderr: '', truncated: budget.exceeded };
      await deliver('stdout', decoders.stdout.end());
      await deliver('stderr', decoders.stderr.end());
      return { stdout: kept.stdout.join(''), stderr: kept.stderr.join(''), truncated: budget.exceeded };
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
