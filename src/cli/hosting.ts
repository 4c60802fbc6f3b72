// How a long-running command (serve, agent) runs: its doors on the host, with the configuration
// and the grace from its flags, until a stop signal has drained them (exit 0) or a door is lost
// (exit 1); a door that cannot open is a start-up failure (one line, exit 2). The log is drained
// before either exit.
import type { ConfigSnapshot } from '../config/index.js';
import { nativeNotifySend, nativeTrimMemory, runHost, StartupError, type HostOptions } from '../host/index.js';
import { drainLogger, type Logger } from '../log/index.js';
import { daemonDefaults, type DefaultsOptions } from './config-loading.js';
import { exits } from './exits.js';
import type { ConfigDirOption } from './options.js';
import { startupFailure } from './startup.js';

export interface HostFlags extends ConfigDirOption, DefaultsOptions {
  'shutdown-grace': number;
}

export async function hostUntilStopped(argv: HostFlags, snapshot: ConfigSnapshot, logger: Logger, open: HostOptions['open']): Promise<never> {
  const end = await runHost({
    config: { configDir: argv['config-dir'], defaults: daemonDefaults(argv) },
    snapshot,
    logger,
    shutdownGraceMs: argv['shutdown-grace'] * 1000,
    notifySend: nativeNotifySend(),
    trimMemory: nativeTrimMemory(),
    open,
  }).catch((error: unknown) => {
    if (error instanceof StartupError) startupFailure(error.message);
    throw error;
  });
  await drainLogger(logger);
  process.exit(end === 'stopped' ? exits.OK : exits.FATAL);
}
