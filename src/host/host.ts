// The one lifecycle of every long-running command (SPEC 6, 13): `serve` hosts the TCP and HTTP
// doors, `agent` the NATS door, and both live it line for line. The host holds the configuration
// and swaps it on SIGHUP, opens the doors, tells systemd, and on the first SIGTERM/SIGINT drains:
// the doors take nothing new, running commands get the grace (a second signal ends it), the
// answers leave, the doors close.
import type { ConfigSnapshot } from '../config/index.js';
import { reopenLogFile, type Logger } from '../log/index.js';
import type { Relay } from '../relay/index.js';
import { createConfigHolder, type ConfigHolder, type ConfigSource } from './config-holder.js';
import { trimWhenQuiet } from './memory-trim.js';
import { createServiceNotifier, type NotifySend } from './notify.js';
import { listenForStopSignals, type SignalSource } from './stop-signals.js';

// A door as the host sees it: it takes requests onto the road until it is told to stop.
export interface Door {
  // What it is doing, for systemd's STATUS= line: `listening on 127.0.0.1:7777`.
  readonly label: string;
  // The drain has begun: take no new request (the HTTP door still answers /healthz, with 503).
  stopAccepting(): void;
  // The road is empty: give the answers already under way up to timeoutMs to leave, then close.
  close(timeoutMs: number): Promise<void>;
  // Resolves if the door is lost for good while serving (the NATS door: the broker connection
  // closed); the door has logged why. The host then ends at once, without a drain.
  readonly lost?: Promise<void>;
}

// What `open` hands the host: the road the doors feed, and the doors, open and announced.
export interface Hosted {
  road: Pick<Relay, 'inFlight' | 'served' | 'jobsRunning' | 'shutdown'>;
  doors: Door[];
  // Hears the outcome of each reload (the daemon counts them in its metrics).
  configReloaded?(ok: boolean): void;
}

export interface HostOptions {
  config: ConfigSource;
  snapshot: ConfigSnapshot; // loaded and checked before the host starts
  logger: Logger;
  shutdownGraceMs: number;
  // sd_notify through the native addon; null or absent: the systemd-notify fallback.
  notifySend?: NotifySend | null;
  // Gives freed heap pages back while the road is quiet (the addon's malloc_trim); null or
  // absent: nothing is trimmed.
  trimMemory?: (() => void) | null;
  // Builds the road over the host's configuration and opens the doors. A door that cannot open
  // rejects with a StartupError (one line, exit 2).
  open(config: ConfigHolder): Promise<Hosted>;
  signals?: SignalSource; // the process unless a test sends its own
}

// Why the host ended: a stop signal (the caller exits 0), or a door lost (exit 1).
export type HostEnd = 'stopped' | 'door lost';

// Once the road is empty, how long the doors give the answers already written to leave.
export const CLOSE_DOORS_MS = 2000;

// Runs until a stop signal has drained the road, or a door is lost.
export async function runHost(options: HostOptions): Promise<HostEnd> {
  const { logger } = options;
  const signals = options.signals ?? process;
  const config = createConfigHolder(options.config, options.snapshot, logger);
  let hosted: Hosted | null = null;
  let phase: 'opening' | 'serving' | 'draining' = 'opening';
  const phaseStatus = (): string => {
    if (phase === 'serving') return `${hosted?.doors.map((door) => door.label).join(', ') ?? ''}; `;
    return phase === 'draining' ? 'draining; ' : '';
  };
  const notifier = createServiceNotifier({
    send: options.notifySend ?? null,
    status: () => `${phaseStatus()}requests: ${hosted?.road.served() ?? 0} served, ${hosted?.road.inFlight() ?? 0} running`,
    logger,
  });
  // Handlers first: a supervisor may signal as soon as it reads the ready line.
  signals.on('SIGHUP', () => {
    reopenLogFile(logger);
    logger.info('SIGHUP: reloading configuration');
    if (phase === 'serving') notifier.reloading();
    const ok = config.reload();
    hosted?.configReloaded?.(ok);
    if (phase === 'serving') notifier.ready();
  });
  const stop = listenForStopSignals(signals);

  // A stop signal while the doors are still opening (a broker not up yet) ends the start: nothing
  // has been taken, so there is nothing to drain, and what the opening began ends with the process.
  const opened = await Promise.race([options.open(config), stop.first.then(() => null)]);
  if (opened === null) {
    logger.info({ received: await stop.first }, 'stopped before the doors were open');
    await notifier.close();
    return 'stopped';
  }
  hosted = opened;
  const { road, doors } = opened;
  phase = 'serving';
  notifier.ready();
  const trimmer = options.trimMemory ? trimWhenQuiet(road, options.trimMemory) : null;

  const lost = doors.flatMap((door) => (door.lost === undefined ? [] : [door.lost.then(() => null)]));
  const received = await Promise.race([stop.first, ...lost]);
  trimmer?.stop();
  if (received === null) {
    await notifier.close();
    return 'door lost';
  }
  logger.info({ received, running: road.inFlight(), jobs: road.jobsRunning(), grace_ms: options.shutdownGraceMs }, 'shutting down');
  phase = 'draining';
  notifier.stopping();
  for (const door of doors) door.stopAccepting();
  await road.shutdown(options.shutdownGraceMs, stop.endGrace);
  await Promise.all(doors.map((door) => door.close(CLOSE_DOORS_MS)));
  logger.info('stopped');
  await notifier.close();
  return 'stopped';
}
