// Writes stream-mode events to the client, honouring backpressure (SPEC 2.3).
import { outputEventLine, type OutputListener } from '../../exec/index.js';
import { drained } from '../drained.js';
import type { DoorSocket } from './native-socket.js';

// When the socket's buffer is full the returned promise makes exec pause the command's pipes
// until the client has read; a vanished client releases the pause at once.
export function streamWriter(socket: DoorSocket): OutputListener {
  return (event) => {
    if (socket.destroyed || socket.writableEnded) return;
    if (socket.write(outputEventLine(event))) return;
    return drained(socket);
  };
}
