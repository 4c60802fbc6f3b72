// Waiting for a full socket (or HTTP response) to take more: the door's half of stream-mode
// backpressure (SPEC 2.3).
import type { Writable } from 'node:stream';

// Resolves when the stream has drained, or has closed (a vanished client releases the pause at
// once). Both listeners go as soon as either fires: a long stream pauses thousands of times on
// one socket, and events.once would leave a 'close' (and 'error') listener behind each time.
export function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
