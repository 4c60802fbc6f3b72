// Lines that supervisors and scripts wait for (`listening`, `agent ready`) must appear whatever
// --log-level says: at info, or at the configured level when info is filtered out.
import type { Logger } from 'pino';

// Logs a readiness line that no log level can hide.
export function announce(logger: Logger, fields: object, message: string): void {
  const level = logger.isLevelEnabled('info') ? 'info' : logger.level;
  if (level === 'silent') return;
  logger[level as 'info'](fields, message);
}
