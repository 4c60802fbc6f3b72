// Sets up the pino JSON logger: standard output or an appended file, redacting key material.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  file?: string | undefined; // append here; standard output when absent
  level: string; // a pino level name
}

// Belt and braces: the road never logs a raw request, but if one slips into a log call the
// key is censored wherever it sits.
const redactPaths = ['auth_key', '*.auth_key', 'request.auth_key', 'key_material', '*.key_material'];

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.file
    ? pino.destination({ dest: options.file, append: true, mkdir: true, sync: true })
    : pino.destination({ fd: 1, sync: true });
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: redactPaths, censor: '**REDACTED**' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
