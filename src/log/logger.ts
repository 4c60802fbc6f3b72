// Sets up the pino logger (SPEC 4): JSON lines (or pino-pretty text for people), levels as words,
// written asynchronously to standard output or an appended file, and key material redacted.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { isatty } from 'node:tty';
import { pino, type DestinationStream, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

export const logFormats = ['json', 'pretty', 'auto'] as const;
export type LogFormat = (typeof logFormats)[number];

export interface LoggerOptions {
  file?: string | undefined; // append here; standard output when absent
  level: string; // a pino level name
  format?: LogFormat | undefined; // `auto` (default): pretty when the destination is a terminal
}

// Belt and braces: the road never logs a raw request, but if one slips into a log call the
// key is censored wherever it sits.
const redactPaths = ['auth_key', '*.auth_key', 'request.auth_key', 'key_material', '*.key_material'];

type SonicBoom = ReturnType<typeof pino.destination>;

// The destination behind each logger, so SIGHUP can reopen a file and a fatal error can flush it.
const destinations = new WeakMap<Logger, { boom: SonicBoom; file: boolean }>();

// Whether `format` asks for pino-pretty on this destination.
export function wantsPretty(format: LogFormat, file: string | undefined): boolean {
  if (format !== 'auto') return format === 'pretty';
  return file === undefined && isatty(1);
}

// Pretty text is produced synchronously in the write call (pino-pretty's prettyFactory, not its
// transform stream), so a line logged just before exit is in the file's buffer and gets flushed.
// Loaded only when wanted: every CLI command imports this file, few of them print pretty logs.
function prettyStream(boom: SonicBoom, colorize: boolean): DestinationStream {
  const pinoPretty: typeof PinoPretty = createRequire(import.meta.url)('pino-pretty');
  const prettify = pinoPretty.prettyFactory({ colorize, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid' });
  return { write: (line: string) => boom.write(prettify(line)) };
}

// Opens --log FILE once, synchronously, so a path that cannot be written fails at start with a
// message (the asynchronous writer would only report it later, as an error event).
function checkWritable(file: string): void {
  try {
    closeSync(openSync(file, 'a'));
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a'));
  }
}

export function createLogger(options: LoggerOptions): Logger {
  if (options.file !== undefined) checkWritable(options.file);
  // sync:false: writes are buffered and flushed by the event loop; pino flushes what is left
  // synchronously on process exit (SPEC 4), and flushLogger() does it before a fatal exit.
  const boom = options.file
    ? pino.destination({ dest: options.file, append: true, mkdir: true, sync: false })
    : pino.destination({ fd: 1, sync: false });
  const pretty = wantsPretty(options.format ?? 'auto', options.file);
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths, censor: '**REDACTED**' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pretty ? prettyStream(boom, options.file === undefined && isatty(1)) : boom,
  );
  destinations.set(logger, { boom, file: options.file !== undefined });
  return logger;
}

// Reopens the --log file (SIGHUP, for logrotate without copytruncate); nothing for stdout.
export function reopenLogFile(logger: Logger): void {
  const destination = destinations.get(logger);
  if (destination?.file) destination.boom.reopen();
}

// Writes out whatever is buffered, now: before a fatal exit.
export function flushLogger(logger: Logger): void {
  try {
    destinations.get(logger)?.boom.flushSync();
  } catch {
    // Nothing left to do with a log that cannot be written.
  }
}
