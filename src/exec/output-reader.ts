// Reads the command's two pipes. A chunk whose handling returns a promise pauses both pipes
// until it settles: the kernel pipe then fills and the command blocks on write, which is how
// a slow reader slows the command without anything buffered without bound (SPEC 2.3).
import type { OutputStream } from '../protocol/types.js';
import type { OutputPipes } from './launch/types.js';

export type ChunkHandler = (stream: OutputStream, chunk: Buffer) => void | Promise<void>;

export interface OutputReader {
  // Both pipes ended (or were closed) and the last chunk's handling has settled.
  readonly done: Promise<void>;
  // From now on, destroy the pipes once nothing arrived for idleMs, or at the latest after
  // maxMs, but never while paused for the listener: used when the process group is gone but a
  // process outside it (setsid) still holds the pipes open, and may even keep writing.
  closeWhenIdle(idleMs: number, maxMs: number): void;
}

// Reads stdout and stderr as they come, in the order produced, with backpressure.
export function readOutput(pipes: OutputPipes | null, onChunk: ChunkHandler): OutputReader {
  if (pipes === null) return { done: Promise.resolve(), closeWhenIdle: () => {} };
  // Set and cleared from callbacks: typed by a cast, so the compiler does not narrow it to null.
  let pending = null as Promise<void> | null;
  let lastActivity = performance.now();
  let watchdog: NodeJS.Timeout | null = null;
  let isDone = false;

  const waitFor = (promise: Promise<void>): void => {
    pipes.pause();
    const settled: Promise<void> = promise.then(ignore, ignore).then(() => {
      if (pending !== settled) return; // a later chunk was chained after this one
      pending = null;
      lastActivity = performance.now();
      pipes.resume();
    });
    pending = settled;
  };

  let ended: () => void = ignore;
  const bothEnded = new Promise<void>((resolve) => (ended = resolve));
  pipes.read((name, chunk) => {
    lastActivity = performance.now();
    // A chunk already on its way when the pipes paused waits its turn, keeping the order.
    const previous = pending;
    if (previous !== null) return waitFor(previous.then(() => onChunk(name, chunk)));
    const returned = onChunk(name, chunk);
    if (returned !== undefined) waitFor(returned);
  }, ended);

  const done = (async () => {
    await bothEnded;
    while (pending !== null) await pending;
    isDone = true;
    if (watchdog !== null) clearInterval(watchdog);
  })();

  return {
    done,
    closeWhenIdle(idleMs, maxMs) {
      if (watchdog !== null || isDone) return;
      const deadline = performance.now() + maxMs;
      watchdog = setInterval(() => {
        const now = performance.now();
        if (pending !== null || (now - lastActivity < idleMs && now < deadline)) return;
        pipes.close();
      }, Math.max(1, idleMs / 2));
    },
  };
}

function ignore(): void {}
