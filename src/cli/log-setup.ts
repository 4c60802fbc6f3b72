// The logger of a long-running command (serve, agent) from its flags, and the one exit path for
// a fatal error: log it, let the asynchronous log drain (in order, bounded), exit 1.
import { createLogger, drainLogger, flushLogger, toPinoLevel, type Logger } from '../log/index.js';
import { exits } from './exits.js';
import type { LogOptions } from './options.js';

// The name `pidof uscmdrelay` and `pkill -HUP -x uscmdrelay` find (SPEC 6). Only the long-running
// commands take it: a `call` client named so would die of the operator's `pkill -HUP`.
export function nameDaemonProcess(): void {
  process.title = 'uscmdrelay';
}

export function startLogger(argv: LogOptions): Logger {
  const logger = createLogger({ file: argv.log, level: toPinoLevel(argv['log-level']) ?? 'info', format: argv['log-format'] });
  let dying = false;
  const fatal = (error: unknown, message: string) => {
    logger.fatal({ err: error }, message);
    if (dying) return;
    dying = true;
    // The handler keeps the process alive long enough for the writes in flight to land.
    void drainLogger(logger).finally(() => {
      flushLogger(logger);
      process.exit(exits.FATAL);
    });
  };
  process.on('uncaughtException', (error) => fatal(error, 'uncaught exception'));
  process.on('unhandledRejection', (reason) => fatal(reason, 'unhandled rejection'));
  return logger;
}
