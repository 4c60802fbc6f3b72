// The serve process: config, logger, core road, listeners, and the signals of SPEC 6.
import type { ConfigSnapshot } from '../config/index.js';
import { announce, type Logger } from '../log/index.js';
import { createRelay, Jobs, type JobsOptions, type RelayOptions } from '../relay/index.js';
import { ConnectionLimits, loadHttpDoor, startRelayServer, type ConnectionLimitOptions, type HttpServer, type HttpServerOptions, type ServerOptions } from '../server/index.js';
import { createConfigHolder, type ConfigSource } from './config-holder.js';
import type { DaemonMetrics } from './metrics.js';

export interface DaemonOptions {
  config: ConfigSource;
  snapshot: ConfigSnapshot; // loaded and checked before anything is bound
  server: Omit<ServerOptions, 'connections'>;
  connections: ConnectionLimitOptions; // counted across every door
  // The HTTP door (SPEC 11), when `--http-port` is given.
  http: Omit<HttpServerOptions, 'connections' | 'metrics'> | null;
  relay: Pick<RelayOptions, 'throttle' | 'maxRunning'>;
  jobs?: Omit<JobsOptions, 'logger'>; // detached jobs (SPEC 10); without it they are refused
  shutdownGraceMs: number;
  logger: Logger;
  version: string;
}

// Serves until SIGTERM/SIGINT, then drains and resolves (the caller exits 0).
export async function runDaemon(options: DaemonOptions): Promise<void> {
  const { logger } = options;
  const config = createConfigHolder(options.config, options.snapshot, logger);
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
  const limits = new ConnectionLimits(options.connections);
  const connections = metrics ? metrics.countConnections(limits) : limits;
  // Handlers first: a supervisor may signal as soon as it reads `listening`.
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading configuration');
    const ok = config.reload();
    metrics?.configReloaded(ok);
  });
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });

  const server = await startRelayServer({ ...options.server, connections }, relay, logger);
  let http: HttpServer | null = null;
  if (options.http) {
    const { startHttpServer } = await loadHttpDoor();
    http = await startHttpServer({ ...options.http, connections, metrics: metrics ? metrics.render : null }, relay, logger);
  }
  announce(
    logger,
    {
      host: server.host,
      port: server.port,
      ...(http ? { http_host: http.host, http_port: http.port } : {}),
      tls: options.server.tls !== null,
      files: options.snapshot.files,
    },
    'listening',
  );

  const signal = await stopSignal;
  logger.info({ signal, running: relay.inFlight(), jobs: relay.jobsRunning(), grace_ms: options.shutdownGraceMs }, 'shutting down');
  server.stopAccepting();
  // The HTTP door keeps listening through the drain so /healthz can say 503.
  http?.startDrain();
  await relay.shutdown(options.shutdownGraceMs);
  await Promise.all([server.closeConnections(2000), http?.close(2000)]);
  logger.info('stopped');
}
