// A tiny stand-in relay for the client's unit tests: records the request line and answers with
// whatever the test scripts, byte for byte.
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface FakeRelay {
  port: number;
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

// `answer` gets the parsed request and the socket; it writes and ends as it likes.
export async function startFakeRelay(answer: (request: Record<string, unknown>, socket: Socket) => void): Promise<FakeRelay> {
  const requests: Record<string, unknown>[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      const request = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
      requests.push(request);
      answer(request, socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

export const line = (value: object): string => `${JSON.stringify(value)}\n`;

export function response(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'ok', message: 'ok', code: 0, exit_code: 0, signal: null, duration_ms: 1, request_id: 'r1', ...fields };
}

// A port with nothing listening on it: bound once, then released.
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}
