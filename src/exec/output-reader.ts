// Reads the command's two pipes. A chunk whose handling returns a promise pauses both pipes
// until it settles: the kernel pipe then fills and the command blocks on write, which is how
// a slow reader slows the command without anything buffered without bound (SPEC 2.3).
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { OutputStream } from '../protocol/types.js';

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
export function readOutput(stdout: Readable | null, stderr: Readable | null, onChunk: ChunkHandler): OutputReader {
  const pipes: [OutputStream, Readable][] = [];
  if (stdout !== null) pipes.push(['stdout', stdout]);
  if (stderr !== null) pipes.push(['stderr', stderr]);
  let pending: Promise<void> | null = null;
  let lastActivity = performance.now();
  let watchdog: NodeJS.Timeout | null = null;
  let isDone = false;

  const waitFor = (promise: Promise<void>): void => {
    for (const [, pipe] of pipes) pipe.pause();
    const settled: Promise<void> = promise.then(ignore, ignore).then(() => {
      if (pending !== settled) return; // a later chunk was chained after this one
      pending = null;
      lastActivity = performance.now();
      for (const [, pipe] of pipes) if (!pipe.destroyed) pipe.resume();
    });
    pending = settled;
  };

  for (const [name, pipe] of pipes) {
    // execa reports pipe failures in its result; this only keeps a late one from going unhandled.
    pipe.on('error', ignore);
    // Attached before execa's next tick, so it never resumes the pipe behind our back.
    pipe.on('data', (chunk: Buffer) => {
      lastActivity = performance.now();
      // A chunk already on its way when the pipes paused waits its turn, keeping the order.
      const previous = pending;
      if (previous !== null) return waitFor(previous.then(() => onChunk(name, chunk)));
      const returned = onChunk(name, chunk);
      if (returned !== undefined) waitFor(returned);
    });
  }

  const done = (async () => {
    await Promise.all(pipes.map(([, pipe]) => finished(pipe).catch(ignore)));
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
        for (const [, pipe] of pipes) pipe.destroy();
      }, Math.max(1, idleMs / 2));
    },
  };
}

function ignore(): void {}
