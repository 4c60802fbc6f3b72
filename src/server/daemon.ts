// What `serve` hosts: the road (with detached jobs and, beside the HTTP door, metrics) and its
// doors, TCP and HTTP, over one count of connections. The lifecycle around them is the host's.
import { autoLauncher } from '../exec/index.js';
import { listenFailure, type ConfigHolder, type Hosted } from '../host/index.js';
import { announce, type Logger } from '../log/index.js';
import { createRelay, Jobs, type JobsOptions, type RelayOptions } from '../relay/index.js';
import { ConnectionLimits, type ConnectionLimitOptions } from './connection-limits.js';
import type { HttpServer, HttpServerOptions } from './http/index.js';
import type { DaemonMetrics } from './metrics.js';
import { startRelayServer, type ServerOptions } from './tcp/listener.js';

export interface DaemonOptions {
  server: Omit<ServerOptions, 'connections'>;
  connections: ConnectionLimitOptions; // counted across every door
  // The HTTP door (SPEC 11), when `--http-port` is given or systemd passed an `http` socket.
  http: Omit<HttpServerOptions, 'connections' | 'metrics'> | null;
  relay: Pick<RelayOptions, 'throttle' | 'maxRunning' | 'maxBufferedOutput' | 'launcher'>;
  jobs?: Omit<JobsOptions, 'logger'>; // detached jobs (SPEC 10); without it they are refused
  logger: Logger;
  version: string;
}

// Builds the road over the host's configuration, opens the doors and logs `listening`.
export async function openDaemon(config: ConfigHolder, options: DaemonOptions): Promise<Hosted> {
  const { logger } = options;
  const jobs = options.jobs === undefined ? null : new Jobs({ ...options.jobs, logger });
  // Before serving: jobs a crashed daemon left `running` become `lost`, their groups are killed.
  await jobs?.recover();
  let running = (): number => 0;
  let jobsRunning = (): number => 0;
  // Metrics are read through the HTTP door only: without it, neither fastify nor prom-client is
  // loaded (a faster start for the plain TCP daemon).
  const metrics: DaemonMetrics | null = options.http
    ? (await import('./metrics.js')).createDaemonMetrics({ commandsRunning: () => running(), jobsRunning: () => jobsRunning() }, options.version)
    : null;
  const relay = createRelay({ ...options.relay, getSnapshot: config.current, logger, jobs, ...(metrics ? { observer: metrics.observer } : {}) });
  running = () => relay.running();
  jobsRunning = () => relay.jobsRunning();
  // One count of open connections for every door, so the limits hold across them.
  const limits = new ConnectionLimits(options.connections);
  const connections = metrics ? metrics.countConnections(limits) : limits;

  const server = await startRelayServer({ ...options.server, connections }, relay, logger).catch((error: unknown) => {
    throw listenFailure(options.server.host, options.server.port, error);
  });
  let http: HttpServer | null = null;
  if (options.http) {
    // Loaded only when opened: fastify stays out of a plain TCP daemon.
    const { startHttpServer } = await import('./http/index.js');
    const door = options.http;
    http = await startHttpServer({ ...door, connections, metrics: metrics ? metrics.render : null }, relay, logger).catch((error: unknown) => {
      server.stopAccepting();
      throw listenFailure(door.host, door.port, error);
    });
  }
  const launcher = (options.relay.launcher ?? autoLauncher()).name;
  announce(
    logger,
    {
      host: server.host,
      port: server.port,
      ...(http ? { http_host: http.host, http_port: http.port } : {}),
      tls: options.server.tls !== null,
      launcher,
      sockets: server.sockets,
      files: config.current().files,
    },
    'listening',
  );
  // The HTTP door keeps listening through the drain so /healthz can say 503.
  return { road: relay, doors: http ? [server, http] : [server], ...(metrics ? { configReloaded: metrics.configReloaded } : {}) };
}
