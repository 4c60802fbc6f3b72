// The one audit line per request (SPEC 4), with client arguments masked per `logmask`.
import type { CommandSpec } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { RelayResponse } from '../protocol/index.js';
import type { RoadContext } from './context.js';

export const MASKED = '**MASKED**';

// Arguments are logged only once the command is known: before that, we could not tell which
// positions its `logmask` hides, so none are written at all.
export function maskArguments(command: CommandSpec | undefined, args: readonly string[] | undefined): string[] | undefined {
  if (!command || !args) return undefined;
  return args.map((arg, index) => (command.logmask.has(index + 1) ? MASKED : arg));
}

// Once the command is resolved the line names it as configured, not as sent: `h::ECHO` or a
// Kelvin sign (U+212A, which lower-cases to k) must not dodge an alert on the command's name.
export function writeAuditLine(logger: Logger, context: RoadContext, response: RelayResponse): void {
  const { caller, request } = context;
  logger.info(
    {
      request_id: response.request_id,
      remote: caller.transport === 'nats' ? caller.remoteAddress : `${caller.remoteAddress}:${caller.remotePort}`,
      transport: caller.transport,
      key: context.key?.label ?? null,
      op: request?.op,
      cluster: context.command?.cluster ?? context.cluster ?? null,
      command: context.command?.name ?? context.commandName ?? request?.command ?? null,
      args: maskArguments(context.command, request?.arguments),
      code: response.code,
      exit_code: response.exit_code,
      signal: response.signal,
      duration_ms: response.duration_ms,
      truncated: response.truncated,
    },
    'request',
  );
}
