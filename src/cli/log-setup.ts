// The logger of a long-running command (serve, agent) from its flags, and the one exit path for
// a fatal error: log it, flush the asynchronous log, exit 1.
import { createLogger, flushLogger, toPinoLevel, type Logger } from '../log/index.js';
import type { LogOptions } from './options.js';

export function startLogger(argv: LogOptions): Logger {
  const logger = createLogger({ file: argv.log, level: toPinoLevel(argv['log-level']) ?? 'info', format: argv['log-format'] });
  const fatal = (error: unknown, message: string) => {
    logger.fatal({ err: error }, message);
    flushLogger(logger);
    process.exit(1);
  };
  process.on('uncaughtException', (error) => fatal(error, 'uncaught exception'));
  process.on('unhandledRejection', (reason) => fatal(reason, 'unhandled rejection'));
  return logger;
}
