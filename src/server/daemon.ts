// The serve process: config, logger, core road, listeners, and the signals of SPEC 6.
import type { ConfigSnapshot } from '../config/index.js';
import { autoLauncher } from '../exec/index.js';
import { createConfigHolder, createServiceNotifier, listenFailure, listenForStopSignals, type ConfigSource, type NotifySend } from '../host/index.js';
import { announce, reopenLogFile, type Logger } from '../log/index.js';
import { createRelay, Jobs, type JobsOptions, type RelayOptions } from '../relay/index.js';
import { ConnectionLimits, type ConnectionLimitOptions } from './connection-limits.js';
import type { HttpServer, HttpServerOptions } from './http/index.js';
import type { DaemonMetrics } from './metrics.js';
import { startRelayServer, type ServerOptions } from './tcp/listener.js';

export interface DaemonOptions {
  config: ConfigSource;
  snapshot: ConfigSnapshot; // loaded and checked before anything is bound
  server: Omit<ServerOptions, 'connections'>;
  connections: ConnectionLimitOptions; // counted across every door
  // The HTTP door (SPEC 11), when `--http-port` is given or systemd passed an `http` socket.
  http: Omit<HttpServerOptions, 'connections' | 'metrics'> | null;
  relay: Pick<RelayOptions, 'throttle' | 'maxRunning' | 'maxBufferedOutput' | 'launcher'>;
  jobs?: Omit<JobsOptions, 'logger'>; // detached jobs (SPEC 10); without it they are refused
  shutdownGraceMs: number;
  logger: Logger;
  version: string;
  // sd_notify through the native addon when it is built; else systemd-notify (NOTIFY_SOCKET only).
  notifySend?: NotifySend | null;
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
  // One count of open connections for every door, so the limits hold across them.
  const limits = new ConnectionLimits(options.connections);
  const connections = metrics ? metrics.countConnections(limits) : limits;
  let listeningOn = '';
  let serving = false; // READY=1 only between listening and the drain
  const notifier = createServiceNotifier({
    send: options.notifySend ?? null,
    status: () => `${listeningOn}requests: ${relay.served()} served, ${relay.inFlight()} running`,
    logger,
  });
  // Handlers first: a supervisor may signal as soon as it reads `listening`.
  process.on('SIGHUP', () => {
    reopenLogFile(logger);
    logger.info('SIGHUP: reloading configuration');
    if (serving) notifier.reloading();
    const ok = config.reload();
    metrics?.configReloaded(ok);
    if (serving) notifier.ready();
  });
  const stop = listenForStopSignals();

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
      files: options.snapshot.files,
    },
    'listening',
  );
  listeningOn = `listening on ${server.host}:${server.port}; `;
  serving = true;
  notifier.ready();

  const signal = await stop.first;
  logger.info({ received: signal, running: relay.inFlight(), jobs: relay.jobsRunning(), grace_ms: options.shutdownGraceMs }, 'shutting down');
  listeningOn = 'draining; ';
  serving = false;
  notifier.stopping();
  server.stopAccepting();
  // The HTTP door keeps listening through the drain so /healthz can say 503.
  http?.startDrain();
  await relay.shutdown(options.shutdownGraceMs, stop.endGrace);
  await Promise.all([server.closeConnections(2000), http?.close(2000)]);
  logger.info('stopped');
  await notifier.close();
}
