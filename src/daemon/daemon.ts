// The serve process: config, logger, core road, listener, and the signals of SPEC 6.
import type { ConfigSnapshot } from '../config/index.js';
import { autoLauncher } from '../exec/index.js';
import { createServiceNotifier, type NotifySend } from '../host/index.js';
import { announce, type Logger } from '../log/index.js';
import { createRelay, type RelayOptions } from '../relay/index.js';
import { ConnectionLimits, startRelayServer, type ServerOptions } from '../server/index.js';
import { createConfigHolder, type ConfigSource } from './config-holder.js';

export interface DaemonOptions {
  config: ConfigSource;
  snapshot: ConfigSnapshot; // loaded and checked before anything is bound
  server: Omit<ServerOptions, 'limits'> & { maxConnections: number; maxConnectionsPerAddress: number };
  relay: Pick<RelayOptions, 'throttle' | 'maxRunning' | 'maxBufferedOutput' | 'launcher'>;
  shutdownGraceMs: number;
  logger: Logger;
  // sd_notify through the native addon when it is built; else systemd-notify (NOTIFY_SOCKET only).
  notifySend?: NotifySend | null;
}

// Serves until SIGTERM/SIGINT, then drains and resolves (the caller exits 0).
export async function runDaemon(options: DaemonOptions): Promise<void> {
  const { logger } = options;
  const config = createConfigHolder(options.config, options.snapshot, logger);
  const relay = createRelay({ ...options.relay, getSnapshot: config.current, logger });
  let listeningOn = '';
  let serving = false; // READY=1 only between listening and the drain
  const notifier = createServiceNotifier({
    send: options.notifySend ?? null,
    status: () => `${listeningOn}requests: ${relay.served()} served, ${relay.inFlight()} running`,
    logger,
  });
  // Handlers first: a supervisor may signal as soon as it reads `listening`.
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading configuration');
    if (serving) notifier.reloading();
    config.reload();
    if (serving) notifier.ready();
  });
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });

  // One count of open connections for every door, so the limits hold across them.
  const limits = new ConnectionLimits({ maxConnections: options.server.maxConnections, maxPerAddress: options.server.maxConnectionsPerAddress });
  const server = await startRelayServer({ ...options.server, limits }, relay, logger);
  const launcher = (options.relay.launcher ?? autoLauncher()).name;
  announce(logger, { host: server.host, port: server.port, tls: options.server.tls !== null, launcher, files: options.snapshot.files }, 'listening');
  listeningOn = `listening on ${server.host}:${server.port}; `;
  serving = true;
  notifier.ready();

  const signal = await stopSignal;
  logger.info({ signal, running: relay.inFlight(), grace_ms: options.shutdownGraceMs }, 'shutting down');
  listeningOn = 'draining; ';
  serving = false;
  notifier.stopping();
  server.stopAccepting();
  await relay.shutdown(options.shutdownGraceMs);
  await server.closeConnections(2000);
  logger.info('stopped');
  await notifier.close();
}
