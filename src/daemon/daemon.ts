// The serve process: config, logger, core road, listener, and the signals of SPEC 6.
import type { ConfigSnapshot } from '../config/index.js';
import { announce, reopenLogFile, type Logger } from '../log/index.js';
import { createRelay, type RelayOptions } from '../relay/index.js';
import { startRelayServer, type ServerOptions } from '../server/index.js';
import { createConfigHolder, type ConfigSource } from './config-holder.js';
import { listenFailure } from './startup-error.js';
import { listenForStopSignals } from './stop-signals.js';

export interface DaemonOptions {
  config: ConfigSource;
  snapshot: ConfigSnapshot; // loaded and checked before anything is bound
  server: ServerOptions;
  relay: Pick<RelayOptions, 'throttle' | 'maxRunning'>;
  shutdownGraceMs: number;
  logger: Logger;
}

// Serves until SIGTERM/SIGINT, then drains and resolves (the caller exits 0).
export async function runDaemon(options: DaemonOptions): Promise<void> {
  const { logger } = options;
  const config = createConfigHolder(options.config, options.snapshot, logger);
  const relay = createRelay({ ...options.relay, getSnapshot: config.current, logger });
  // Handlers first: a supervisor may signal as soon as it reads `listening`.
  process.on('SIGHUP', () => {
    reopenLogFile(logger);
    logger.info('SIGHUP: reloading configuration');
    config.reload();
  });
  const stop = listenForStopSignals();

  const server = await startRelayServer(options.server, relay, logger).catch((error: unknown) => {
    throw listenFailure(options.server.host, options.server.port, error);
  });
  announce(logger, { host: server.host, port: server.port, tls: options.server.tls !== null, files: options.snapshot.files }, 'listening');

  const signal = await stop.first;
  logger.info({ received: signal, running: relay.inFlight(), grace_ms: options.shutdownGraceMs }, 'shutting down');
  server.stopAccepting();
  await relay.shutdown(options.shutdownGraceMs, stop.endGrace);
  await server.closeConnections(2000);
  logger.info('stopped');
}
