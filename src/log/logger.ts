// Sets up the pino logger (SPEC 4): JSON lines (or pino-pretty text for people), levels as words,
// written asynchronously to standard output or an appended file, and key material redacted.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { isatty } from 'node:tty';
import { pino, type DestinationStream, type Logger } from 'pino';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import type PinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

export const logFormats = ['json', 'pretty', 'auto'] as const;
export type LogFormat = (typeof logFormats)[number];
export const DEFAULT_LOG_FORMAT: LogFormat = 'auto';

export interface LoggerOptions {
  file?: string | undefined; // append here; standard output when absent
  level: string; // a pino level name
  format?: LogFormat | undefined; // `auto` (default): pretty when the destination is a terminal
}

// Belt and braces: the road never logs a raw request, but if one slips into a log call, at the
// top or as `request`/`body`, its key is censored. Exact paths only: a wildcard path makes pino
// walk every object of every line, which more than doubled the cost of the audit line.
const redactPaths = ['auth_key', 'request.auth_key', 'body.auth_key', 'key_material', 'request.key_material', 'body.key_material'];

type SonicBoom = ReturnType<typeof pino.destination>;

// The destination behind each logger, so SIGHUP can reopen a file, a fatal error can flush it,
// and a normal exit can wait for it.
interface Destination {
  boom: SonicBoom;
  file: boolean;
  pending: boolean; // standard output: from a write until the writer drains
  queued: string[]; // a file: the lines logged in this turn of the event loop, not yet written
}
const destinations = new WeakMap<Logger, Destination>();

// A file's lines wait until the end of the event loop's turn (setImmediate), then go out in one
// write(2) into the page cache: out of the request's way, one system call for all the lines of
// a busy turn, no thread. sonic-boom's asynchronous mode cost 20 µs a line in the thread pool
// and one more wake-up of the event loop; a synchronous write costs 1.5 µs (both measured).
const filesWithQueuedLines = new Set<Destination>();

// Lines whose formatting waits for the end of the turn too (logAtEndOfTurn): building a line
// through pino costs more than writing it (a request's audit line: 25–30 µs at one client, hot
// in a loop 7 µs), and a request's answer need not wait for it.
let laterLines: Array<() => void> = [];
let endOfTurnScheduled = false;

function writeQueued(destination: Destination): void {
  if (destination.queued.length === 0) return;
  const text = destination.queued.length === 1 ? (destination.queued[0] ?? '') : destination.queued.join('');
  destination.queued = [];
  filesWithQueuedLines.delete(destination);
  destination.boom.write(text);
}

// Logs the lines that waited, in the order they were asked for.
function logLaterLines(): void {
  while (laterLines.length > 0) {
    const lines = laterLines;
    laterLines = [];
    for (const line of lines) line();
  }
}

// The end of a turn in which something was logged: the lines that waited, then one write a file.
function endOfTurn(): void {
  try {
    logLaterLines();
    for (const destination of filesWithQueuedLines) writeQueued(destination);
  } finally {
    endOfTurnScheduled = false;
  }
}

function scheduleEndOfTurn(): void {
  if (endOfTurnScheduled) return;
  endOfTurnScheduled = true;
  setImmediate(endOfTurn);
}

// Calls `line` (a log call) at the end of this turn of the event loop, before anything logged is
// written: its time is then. Lines logged this way keep their order among themselves; a line
// logged at once later in the same turn comes before them.
export function logAtEndOfTurn(line: () => void): void {
  laterLines.push(line);
  scheduleEndOfTurn();
}

// However the daemon exits, what was logged is written (SPEC 4: flushed on exit).
process.once('exit', endOfTurn);

// Whether `format` asks for pino-pretty on this destination.
export function wantsPretty(format: LogFormat, file: string | undefined): boolean {
  if (format !== 'auto') return format === 'pretty';
  return file === undefined && isatty(1);
}

// Pretty text is produced synchronously in the write call (pino-pretty's prettyFactory, not its
// transform stream), so a line logged just before exit is in the file's buffer and gets flushed.
// Loaded only when wanted: every CLI command imports this file, few of them print pretty logs.
function prettifier(colorize: boolean): (line: string) => string {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- require() is untyped; the type is pino-pretty's own
  const pinoPretty: typeof PinoPretty = createRequire(import.meta.url)('pino-pretty');
  return pinoPretty.prettyFactory({ colorize, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid' });
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
  // A file: lines queued for the end of the turn (above), then written synchronously; a write
  // into the page cache cannot wait for a reader. Standard output may be a pipe (journald, a
  // terminal) that a slow reader fills: sonic-boom's asynchronous writer, flushed by the event
  // loop. drainLogger() before a normal exit and flushLogger() before a fatal one write the rest.
  const boom = options.file
    ? pino.destination({ dest: options.file, append: true, mkdir: true, sync: true, maxLength: UNWRITTEN_LOG_BYTES })
    : pino.destination({ fd: 1, sync: false, maxLength: UNWRITTEN_LOG_BYTES });
  const destination: Destination = { boom, file: options.file !== undefined, pending: false, queued: [] };
  if (!destination.file) boom.on('drain', () => (destination.pending = false));
  reportWriteFailures(boom, options.file ?? 'standard output');
  const prettify = wantsPretty(options.format ?? 'auto', options.file) ? prettifier(options.file === undefined && isatty(1)) : null;
  const stream: DestinationStream = {
    write(line: string) {
      const text = prettify === null ? line : prettify(line);
      if (!destination.file) {
        destination.pending = true;
        boom.write(text);
        return;
      }
      if (destination.queued.length === 0) {
        filesWithQueuedLines.add(destination);
        scheduleEndOfTurn();
      }
      destination.queued.push(text);
    },
  };
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths, censor: '**REDACTED**' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
  destinations.set(logger, destination);
  return logger;
}

// What a log that cannot be written (a full disk, a closed pipe) may hold back before lines are
// dropped: the writer retries the first unwritten line with each new one.
const UNWRITTEN_LOG_BYTES = 8 * 2 ** 20;

// A log that cannot be written must not stop the daemon (an 'error' event without a listener
// would throw): it says so on stderr, once per kind of failure, and goes on.
function reportWriteFailures(boom: SonicBoom, where: string): void {
  let reported = '';
  const report = (what: string): void => {
    if (what === reported) return;
    reported = what;
    process.stderr.write(`uscmdrelay: ${what}\n`);
  };
  boom.on('error', (error: NodeJS.ErrnoException) => report(`cannot write the log to ${where} (${error.code ?? error.message}); retrying with each line`));
  boom.on('drop', () => report(`the log to ${where} holds back ${UNWRITTEN_LOG_BYTES / 2 ** 20} MiB; dropping lines until it can be written`));
  boom.on('write', () => (reported = ''));
}

// Reopens the --log file (SIGHUP, for logrotate without copytruncate); nothing for stdout.
export function reopenLogFile(logger: Logger): void {
  const destination = destinations.get(logger);
  if (!destination?.file) return;
  logLaterLines();
  writeQueued(destination); // what was logged before the signal belongs to the old file
  destination.boom.reopen();
}

// Resolves once every line logged so far is written, in order (an exit's synchronous flush can
// overtake a write still in flight): await it before a normal exit.
export async function drainLogger(logger: Logger): Promise<void> {
  logLaterLines();
  const destination = destinations.get(logger);
  if (destination?.file) return writeQueued(destination);
  // Bounded: a destination that stopped draining (a closed pipe) must not hold the exit.
  if (destination?.pending) await Promise.race([once(destination.boom, 'drain'), delay(2000, undefined, { ref: false })]);
}

// Writes out whatever is buffered, now: before a fatal exit.
export function flushLogger(logger: Logger): void {
  const destination = destinations.get(logger);
  if (destination === undefined) return;
  try {
    logLaterLines();
    writeQueued(destination);
    destination.boom.flushSync();
  } catch {
    // Nothing left to do with a log that cannot be written.
  }
}
