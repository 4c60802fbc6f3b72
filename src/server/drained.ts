// Waiting for a full socket (or HTTP response) to take more: the door's half of stream-mode
// backpressure (SPEC 2.3).

// What it listens to: a socket (the TCP door's DoorSocket), or an HTTP response.
interface Drainable {
  on(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

// Resolves when the stream has drained, or has closed (a vanished client releases the pause at
// once). Both listeners go as soon as either fires: a long stream pauses thousands of times on
// one socket, and events.once would leave a 'close' (and 'error') listener behind each time.
export function drained(stream: Drainable): Promise<void> {
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
