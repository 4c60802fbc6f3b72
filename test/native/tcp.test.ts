// The addon's TCP connections (native/tcp.c) through NativeSocket (src/server/tcp/native-socket.ts):
// the net.Socket behaviour the door relies on, over loopback. The door itself runs on both socket
// layers in the integration suites (scripts/run-tests.mjs).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { loadNativeAddon } from '../../src/native/addon.js';
import { acceptNatively, type NativeSocket } from '../../src/server/tcp/native-socket.js';

const addon = loadNativeAddon();

interface Door {
  port: number;
  accepted: NativeSocket[];
  stop(): void;
}

// A Node server listening on an ephemeral loopback port, handed over to the addon.
async function nativeDoor(onSocket: (socket: NativeSocket) => void = () => {}): Promise<Door> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const accepted: NativeSocket[] = [];
  const native = acceptNatively(server, (socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  assert.ok(native, 'acceptNatively took the server over');
  return { port, accepted, stop: () => native.stop() };
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

// Everything the client receives until the server's end.
async function readAll(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'end');
  return Buffer.concat(chunks).toString();
}

describe('native TCP connections', { skip: addon === null && 'native addon not built' }, () => {
  const doors: Door[] = [];
  // What a test left open (a server side the client has left) would keep the process up.
  afterEach(() => doors.forEach((door) => door.accepted.forEach((socket) => socket.destroy())));
  after(() => doors.forEach((door) => door.stop()));

  // A door with one client connected, once the addon has accepted it.
  async function connected(): Promise<{ server: NativeSocket; client: Socket }> {
    const door = await nativeDoor();
    doors.push(door);
    const client = await dial(door.port);
    while (door.accepted.length === 0) await delay(5);
    return { server: door.accepted[0] as NativeSocket, client };
  }

  it('reads, sees the half-close, answers and closes as net.Socket does', async () => {
    const events: string[] = [];
    const door = await nativeDoor((socket) => {
      let request = '';
      socket.on('data', (chunk: Buffer) => (request += chunk.toString()));
      socket.on('end', () => {
        events.push('end');
        socket.end(`you said ${request}`);
      });
      socket.on('finish', () => events.push('finish'));
      socket.on('close', () => events.push('close'));
    });
    doors.push(door);
    const client = await dial(door.port);
    const clientPort = client.localPort;
    client.end('hello');
    assert.equal(await readAll(client), 'you said hello');
    client.destroy();
    await delay(50);
    assert.deepEqual(events, ['end', 'finish', 'close']);
    const [socket] = door.accepted;
    assert.equal(socket?.remoteAddress, '127.0.0.1');
    assert.equal(socket?.remotePort, clientPort);
    assert.equal(socket?.destroyed, true);
  });

  it('queues what the client does not read, says so, and drains when it reads', async () => {
    const { server, client } = await connected();
    client.pause();
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let written = 0;
    while (server.write(chunk)) written += chunk.length;
    written += chunk.length;
    assert.ok(server.writableLength > 0, 'bytes are queued');
    const drained = once(server, 'drain');
    client.resume();
    let received = 0;
    client.on('data', (data: Buffer) => (received += data.length));
    await drained;
    assert.equal(server.writableLength, 0);
    server.end();
    await once(client, 'end');
    assert.equal(received, written);
    client.destroy();
  });

  it('reports a reset client as an error, then close', async () => {
    const { server, client } = await connected();
    const errors: string[] = [];
    server.on('error', (error: NodeJS.ErrnoException) => errors.push(`${error.message} ${error.code}`));
    const closed = new Promise((resolve) => server.on('close', resolve));
    client.resetAndDestroy();
    await closed;
    assert.deepEqual(errors, ['read ECONNRESET ECONNRESET']);
    assert.equal(server.destroyed, true);
  });

  it('fails a write to a client that has gone, then closes', async () => {
    const { server, client } = await connected();
    client.destroy();
    await delay(50);
    const closed = new Promise((resolve) => server.on('close', resolve));
    // The first write may still be taken (the reset comes back with it); a later one fails.
    for (let i = 0; i < 50 && !server.destroyed; i++) {
      server.write(' ');
      await delay(10);
    }
    assert.equal(await closed, true, 'closed with an error');
  });

  it('times out an idle connection, and activity puts the timeout off', async () => {
    const { server, client } = await connected();
    const started = performance.now();
    const timedOut = once(server, 'timeout');
    server.setTimeout(150);
    await delay(100);
    client.write('still here');
    await timedOut;
    assert.ok(performance.now() - started >= 200, 'the data put the timeout off');
    client.destroy();
  });

  it('keeps each connection apart while ids are reused', async () => {
    const door = await nativeDoor((socket) => socket.on('data', (chunk: Buffer) => socket.end(chunk)));
    doors.push(door);
    const echo = async (token: string): Promise<string> => {
      const client = await dial(door.port);
      client.write(token);
      const answer = await readAll(client);
      client.destroy();
      return answer;
    };
    const tokens = Array.from({ length: 400 }, (_, index) => `token-${index}`);
    for (let start = 0; start < tokens.length; start += 8) {
      const batch = tokens.slice(start, start + 8);
      assert.deepEqual(await Promise.all(batch.map(echo)), batch);
    }
  });

  it('stops accepting on stop(), and the open connections go on', async () => {
    const door = await nativeDoor((socket) => socket.on('data', (chunk: Buffer) => socket.end(chunk)));
    doors.push(door);
    const open = await dial(door.port);
    await delay(20);
    door.stop();
    await assert.rejects(dial(door.port), { code: 'ECONNREFUSED' });
    open.write('after stop');
    assert.equal(await readAll(open), 'after stop');
    open.destroy();
  });

  it('leaves the server to Node when USCMDRELAY_NODE_SOCKETS is set', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.USCMDRELAY_NODE_SOCKETS = '1';
    try {
      assert.equal(acceptNatively(server, () => {}), null);
      assert.equal(server.listening, true);
    } finally {
      delete process.env.USCMDRELAY_NODE_SOCKETS;
      server.close();
    }
  });
});
