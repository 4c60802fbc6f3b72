// One client connection: frame one request, hand it to the core, write events and the answer.
import type { Socket } from 'node:net';
import { StopSwitch } from '../exec/index.js';
import type { Logger } from '../log/index.js';
import { encodeLine, RequestFramer, type CodeName, type FrameState, type RelayResponse } from '../protocol/index.js';
import type { Caller, Relay } from '../relay/index.js';
import { streamWriter } from './stream-writer.js';

export interface ConnectionLimits {
  maxRequestBytes: number;
  requestTimeoutMs: number;
}

// Serves one request on the socket, then closes it. Never throws.
export function serveConnection(socket: Socket, caller: Caller, relay: Relay, limits: ConnectionLimits, logger: Logger): void {
  const framer = new RequestFramer(limits.maxRequestBytes);
  const clientGone = new StopSwitch();
  let answered = false;

  const timer = setTimeout(() => finishEarly('REQUEST_TIMEOUT'), limits.requestTimeoutMs);

  function finishEarly(codeName: CodeName): void {
    if (answered) return;
    answered = true;
    socket.removeListener('data', onData);
    clearTimeout(timer);
    send(relay.reject(codeName, caller));
  }

  function send(response: RelayResponse): void {
    if (socket.destroyed) return;
    socket.end(encodeLine(response));
    // A client that never reads must not hold the connection once the answer is queued.
    socket.setTimeout(limits.requestTimeoutMs, () => socket.destroy());
  }

  function onFrame(state: FrameState): void {
    if (state.kind === 'pending' || answered) return;
    if (state.kind === 'too_large') return finishEarly('REQUEST_TOO_LARGE');
    answered = true;
    clearTimeout(timer);
    socket.removeListener('data', onData);
    socket.on('data', () => {}); // keep reading (and dropping) so a reset is noticed
    const io = { onOutput: streamWriter(socket), clientGone };
    relay.handle(state.body, caller, io).then(send, (error: unknown) => {
      logger.error({ err: error }, 'relay.handle threw');
      socket.destroy();
    });
  }

  function onData(chunk: Buffer): void {
    onFrame(framer.push(chunk));
  }

  socket.on('data', onData);
  socket.on('end', () => onFrame(framer.end()));
  socket.on('error', (error) => logger.debug({ remote: caller.remoteAddress, err: error.message }, 'connection error'));
  socket.on('close', () => {
    clearTimeout(timer);
    clientGone.abort();
  });
}
