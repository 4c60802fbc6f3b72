export { createLogger, drainLogger, flushLogger, logAtEndOfTurn, reopenLogFile, wantsPretty, logFormats, DEFAULT_LOG_FORMAT, type LogFormat, type Logger, type LoggerOptions } from './logger.js';
export { toPinoLevel } from './levels.js';
export { announce } from './announce.js';
