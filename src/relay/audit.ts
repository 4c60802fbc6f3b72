// The one audit line per request (SPEC 4), with client arguments masked per `logmask`.
// Schema (README, Logging): a field is absent when the road did not learn it, never null-ish
// guesswork: `key` only once authenticated, `cluster`/`command`/`args` only once resolved,
// `requested` (the name as sent) only for an authenticated caller whose name did not resolve.
import type { CommandSpec } from '../config/index.js';
import { logAtEndOfTurn, type Logger } from '../log/index.js';
import type { RelayResponse } from '../protocol/index.js';
import type { RoadContext } from './context.js';
import { isJobId, type JobRecord } from './jobs/index.js';
import { remoteOf } from './remote.js';

export const MASKED = '**MASKED**';

// Arguments are logged only once the command is known: before that, we could not tell which
// positions its `logmask` hides, so none are written at all.
export function maskArguments(command: CommandSpec | undefined, args: readonly string[] | undefined): string[] | undefined {
  if (!command || !args) return undefined;
  return args.map((arg, index) => (command.logmask.has(index + 1) ? MASKED : arg));
}

// Once the command is resolved the line names it as configured, not as sent: `h::ECHO` or a
// Kelvin sign (U+212A, which lower-cases to k) must not dodge an alert on the command's name.
// The fields are gathered and the line built at the end of the turn, after the door has sent the
// answer (log/logger.ts, logAtEndOfTurn); nothing changes the context or the response after
// respond() made it.
export function writeAuditLine(logger: Logger, context: RoadContext, response: RelayResponse): void {
  logAtEndOfTurn(() => logger.info(auditFields(context, response), 'request'));
}

function auditFields(context: RoadContext, response: RelayResponse): Record<string, unknown> {
  const { caller, request, command, key } = context;
  const requested = key !== undefined && command === undefined && request?.op === 'run' ? request.command : undefined;
  return {
    request_id: response.request_id,
    remote: remoteOf(caller),
    transport: caller.transport,
    key: key?.label,
    op: request?.op,
    cluster: command?.cluster,
    command: command?.name,
    requested,
    args: maskArguments(command, request?.arguments),
    code: response.code,
    exit_code: response.exit_code,
    signal: response.signal,
    duration_ms: response.duration_ms,
    truncated: response.truncated,
    job_id: response.job_id ?? (isJobId(request?.job_id) ? request.job_id : undefined),
  };
}

// The audit line of a job when it ends (SPEC 10); its start is the `request` line of the
// detached run, which carries the same job_id.
export function writeJobEndLine(logger: Logger, context: RoadContext, record: JobRecord, durationMs: number): void {
  logger.info(
    {
      request_id: context.requestId,
      job_id: record.job_id,
      key: record.key,
      cluster: context.command?.cluster,
      command: context.command?.name,
      args: record.args,
      state: record.state,
      code: record.code,
      exit_code: record.exit_code,
      signal: record.signal,
      duration_ms: durationMs,
      output_bytes: record.output_bytes,
      truncated: record.truncated,
    },
    'job ended',
  );
}
