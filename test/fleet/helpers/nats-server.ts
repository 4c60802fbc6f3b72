// Starts real nats-server processes on free loopback ports for the fleet tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { connect } from '@nats-io/transport-node';

// A free TCP port on 127.0.0.1: bind port 0, read it, let it go.
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface NatsServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  // Starts it again on the same ports (after stop()).
  start(): Promise<void>;
}

interface ServerSpec {
  port: number;
  clusterPort?: number;
  routes?: number[];
  storeDir?: string; // JetStream on, with its store there (kept across stop/start)
}

function argsOf(spec: ServerSpec): string[] {
  const args = ['-a', '127.0.0.1', '-p', String(spec.port)];
  if (spec.storeDir !== undefined) args.push('-js', '-sd', spec.storeDir);
  if (spec.clusterPort !== undefined) {
    args.push('-cluster', `nats://127.0.0.1:${spec.clusterPort}`, '-cluster_name', 'fleet-test');
    const routes = (spec.routes ?? []).map((port) => `nats://127.0.0.1:${port}`);
    if (routes.length > 0) args.push('-routes', routes.join(','));
  }
  return args;
}

async function launch(spec: ServerSpec): Promise<ChildProcess> {
  const child = spawn('nats-server', argsOf(spec), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${log}`)), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited ${code}:\n${log}`));
    });
  });
  child.stderr?.resume();
  return child;
}

function managed(spec: ServerSpec, first: ChildProcess): NatsServer {
  let child: ChildProcess | null = first;
  return {
    url: `nats://127.0.0.1:${spec.port}`,
    port: spec.port,
    async stop() {
      if (child === null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      child = null;
    },
    async start() {
      if (child !== null) return;
      child = await launch(spec);
    },
  };
}

// One stand-alone server; with `storeDir`, JetStream is on and stores there.
export async function startNatsServer(options: { storeDir?: string } = {}): Promise<NatsServer> {
  const spec: ServerSpec = { port: await freePort(), ...options };
  return managed(spec, await launch(spec));
}

// A full-mesh cluster of `size` servers; resolves once a message crosses from the first to the last.
export async function startNatsCluster(size = 3): Promise<NatsServer[]> {
  const specs: ServerSpec[] = [];
  const clusterPorts: number[] = [];
  for (let index = 0; index < size; index += 1) clusterPorts.push(await freePort());
  for (let index = 0; index < size; index += 1) {
    const clusterPort = clusterPorts[index] ?? 0;
    specs.push({ port: await freePort(), clusterPort, routes: clusterPorts.filter((port) => port !== clusterPort) });
  }
  const servers: NatsServer[] = [];
  for (const spec of specs) servers.push(managed(spec, await launch(spec)));
  await waitForMesh(servers);
  return servers;
}

// Every server forwards to every other: subscribe on each, publish on each, until all arrive.
export async function waitForMesh(servers: readonly NatsServer[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const connections = await Promise.all(servers.map((server) => connect({ servers: server.url })));
  try {
    connections.forEach((connection, index) =>
      connection.subscribe(`mesh.${index}`, { callback: (_error, msg) => void msg.respond('') }),
    );
    await Promise.all(connections.map((connection) => connection.flush()));
    for (const [index] of servers.entries()) {
      for (const [from, connection] of connections.entries()) {
        if (from === index) continue;
        for (;;) {
          if (Date.now() > deadline) throw new Error('NATS cluster did not form');
          const reply = await connection.request(`mesh.${index}`, '', { timeout: 200 }).catch(() => null);
          if (reply !== null) break;
        }
      }
    }
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
}
