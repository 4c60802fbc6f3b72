// Stage: turn what happened into the 2.2 response, and write its audit line.
import { performance } from 'node:perf_hooks';
import type { RunResult } from '../exec/index.js';
import { codes, exitCodeMessage, RelayError, type RelayResponse } from '../protocol/index.js';
import { writeAuditLine } from './audit.js';
import type { Road, RoadContext } from './context.js';

export interface Outcome {
  code: number;
  message: string;
  exit_code: number | null;
  signal: string | null;
  truncated?: true;
}

// What a request came to: its outcome, and the fields only some answers carry (a listing, a job).
export interface Answer {
  outcome: Outcome;
  extra?: Partial<RelayResponse>;
}

// The response to a request, audit-logged and counted: the one way off the road.
export function respond(road: Road, context: RoadContext, { outcome, extra }: Answer): RelayResponse {
  const durationMs = performance.now() - context.startedAt;
  const response: RelayResponse = {
    status: outcome.code === codes.OK.code ? 'ok' : 'error',
    message: outcome.message,
    code: outcome.code,
    exit_code: outcome.exit_code,
    signal: outcome.signal,
    duration_ms: Math.round(durationMs),
    request_id: context.requestId,
    ...extra,
  };
  if (context.request?.id !== undefined) response.id = context.request.id;
  if (outcome.truncated) response.truncated = true;
  writeAuditLine(road.logger, context, response);
  road.observer?.requestFinished(context.caller.transport, response.code, durationMs);
  return response;
}

// A success that ran no command (a listing, a job op, a job started).
export function success(message: string, extra: Partial<RelayResponse>): Answer {
  return { outcome: { code: codes.OK.code, message, exit_code: null, signal: null }, extra };
}

// A command that ran (or tried to): SPEC 2.2 message rules, stdout only when not streamed.
export function outcomeOfRun(result: RunResult, streamed: boolean): Outcome {
  const ran = { exit_code: result.exitCode, signal: result.signal };
  switch (result.outcome) {
    case 'exited':
      if (result.exitCode === 0) return { code: codes.OK.code, message: streamed ? '' : result.stdout.trim(), ...ran };
      return {
        code: codes.EXIT_NONZERO.code,
        message: (streamed ? '' : result.stderr.trim()) || exitCodeMessage(result.exitCode ?? -1),
        ...ran,
      };
    case 'signaled':
      return failure(new RelayError('KILLED_BY_SIGNAL', result.signal ?? 'unknown'), ran);
    case 'timeout':
      return failure(new RelayError('TIMED_OUT'), ran);
    case 'output_cap':
      return { ...failure(new RelayError('OUTPUT_CAP'), ran), truncated: true };
    case 'cancelled':
      return failure(new RelayError('CANCELLED', 'the daemon is shutting down'), ran);
    case 'disconnected':
      return failure(new RelayError('CANCELLED', 'the client went away'), ran);
    case 'start_failed':
      return failure(new RelayError('START_FAILED', result.startError ?? 'unknown reason'), { exit_code: null, signal: null });
  }
}

// A request that stopped on the road before or instead of running.
export function outcomeOfError(error: RelayError): Outcome {
  return failure(error, { exit_code: null, signal: null });
}

function failure(error: RelayError, ran: Pick<Outcome, 'exit_code' | 'signal'>): Outcome {
  return { code: error.code, message: error.message, ...ran };
}
