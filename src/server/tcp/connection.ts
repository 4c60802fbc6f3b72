// One client connection: frame one request, hand it to the core, write events and the answer.
import { StopSwitch } from '../../exec/index.js';
import type { Logger } from '../../log/index.js';
import { decodeRequestBody, encodeLine, readRequest, RelayError, RequestFramer, type CodeName, type FrameState, type RelayResponse } from '../../protocol/index.js';
import { remoteOf, type Caller, type Relay, type RoadEntry } from '../../relay/index.js';
import { clampTimerMs, setLongTimeout } from '../../timers/index.js';
import type { DoorSocket } from './native-socket.js';
import { streamWriter } from './stream-writer.js';

export interface ConnectionBounds {
  maxRequestBytes: number;
  requestTimeoutMs: number;
}

// While an `on_disconnect = kill` command runs and the client has closed its sending side, the
// daemon writes one space now and then. A client still reading (`nc -N`) just sees white space
// before the answer (JSON allows it); a client that closed altogether answers with a reset, so
// the next write fails and the command is killed. First probe at the client's FIN, the next
// shortly after (the reset is back by then), then every PROBE_EVERY_MS.
const FIRST_REPROBE_MS = 100;
const PROBE_EVERY_MS = 1000;
const PROBE_BYTE = ' ';

// The TCP door's request: the framed body, whose `auth_key` is the credential.
function readEntry(body: Buffer, caller: Caller): RoadEntry {
  const { request, bodyKey = '' } = readRequest(decodeRequestBody(body), true);
  return { request, credential: { kind: 'auth_key', key: bodyKey }, caller };
}

// Serves one request on the socket, then closes it. Never throws.
export function serveConnection(socket: DoorSocket, caller: Caller, relay: Relay, bounds: ConnectionBounds, logger: Logger): void {
  const framer = new RequestFramer(bounds.maxRequestBytes);
  const clientGone = new StopSwitch();
  let answered = false;
  let peerEnded = false;
  let probing = false;
  let disarmProbe = (): void => {};

  const disarmRequestTimer = setLongTimeout(() => finishEarly('REQUEST_TIMEOUT'), bounds.requestTimeoutMs);

  function finishEarly(codeName: CodeName): void {
    if (answered) return;
    answered = true;
    socket.removeListener('data', onData);
    disarmRequestTimer();
    send(relay.reject(new RelayError(codeName), caller));
  }

  function send(response: RelayResponse): void {
    if (socket.destroyed) return;
    socket.end(encodeLine(response));
    // A client that never reads must not hold the connection once the answer is queued.
    socket.setTimeout(clampTimerMs(bounds.requestTimeoutMs), () => socket.destroy());
  }

  // One probe byte, unless output is already queued (that write will tell just as well).
  function probe(nextInMs: number): void {
    if (!probing || socket.destroyed || socket.writableEnded) return;
    if (socket.writableLength === 0) socket.write(PROBE_BYTE);
    disarmProbe = setLongTimeout(() => probe(PROBE_EVERY_MS), nextInMs);
  }

  function watchClientGone(): () => void {
    probing = true;
    if (peerEnded) probe(FIRST_REPROBE_MS);
    return () => {
      probing = false;
      disarmProbe();
    };
  }

  // What the answer holds in memory is released once it has left for the kernel, or the
  // client is gone.
  function keepUntilSent(release: () => void): void {
    if (socket.destroyed || socket.writableFinished) return release();
    socket.once('finish', release);
    socket.once('close', release);
  }

  function onFrame(state: FrameState): void {
    if (state.kind === 'pending' || answered) return;
    if (state.kind === 'too_large') return finishEarly('REQUEST_TOO_LARGE');
    answered = true;
    disarmRequestTimer();
    socket.removeListener('data', onData);
    socket.on('data', () => {}); // keep reading (and dropping) so a reset is noticed
    let entry: RoadEntry;
    try {
      entry = readEntry(state.body, caller);
    } catch (error) {
      return send(relay.reject(error, caller));
    }
    const io = { onOutput: streamWriter(socket), clientGone, watchClientGone, keepUntilSent };
    relay.handle(entry, io).then(send, (error: unknown) => {
      logger.error({ err: error }, 'relay.handle threw');
      socket.destroy();
    });
  }

  function onData(chunk: Buffer): void {
    onFrame(framer.push(chunk));
  }

  socket.on('data', onData);
  socket.on('end', () => {
    peerEnded = true;
    onFrame(framer.end());
    if (probing) probe(FIRST_REPROBE_MS);
  });
  socket.on('error', (error) => logger.debug({ remote: remoteOf(caller), err: error.message }, 'connection error'));
  socket.on('close', () => {
    disarmRequestTimer();
    disarmProbe();
    clientGone.abort();
  });
}
