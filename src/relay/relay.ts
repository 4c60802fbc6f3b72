// The core road (ARCHITECTURE.md): parse → authenticate → authorize → resolve → policy → run →
// respond → audit log. Transport-free: doors hand it bytes and a Caller, it hands back a response.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FailureThrottle, type ThrottleOptions } from '../auth/index.js';
import type { CommandSpec, ConfigSnapshot } from '../config/index.js';
import { prepareRun, runCommand, StopSwitch, type Launcher, type RunResult } from '../exec/index.js';
import type { Logger } from '../log/index.js';
import { parseRequest, RelayError, type CodeName, type RelayRequest, type RelayResponse } from '../protocol/index.js';
import { writeAuditLine } from './audit.js';
import { authenticate } from './authenticate.js';
import type { RoadContext } from './context.js';
import { InFlight } from './in-flight.js';
import { listCommands } from './list.js';
import { checkArguments, decodePayload } from './policy.js';
import { outcomeOfError, outcomeOfRun, type Outcome } from './respond.js';
import { resolveCommand } from './resolve.js';
import { RunSlots } from './slots.js';
import type { Caller, RequestIo } from './types.js';

export interface RelayOptions {
  getSnapshot: () => ConfigSnapshot; // read once per request; SIGHUP swaps what it returns
  logger: Logger;
  throttle?: ThrottleOptions; // failed-authentication limit per address (1002)
  maxRunning?: number | null; // commands running at once across the daemon (3005)
  launcher?: Launcher; // what --spawn resolved to (SPEC 5.5); default auto
}

export interface Relay {
  // Runs one request through the whole road. Never throws: every failure is a response.
  handle(body: Buffer | string, caller: Caller, io: RequestIo): Promise<RelayResponse>;
  // Answers a request that never reached the road (too large, too slow, …) and audit-logs it.
  reject(codeName: CodeName, caller: Caller): RelayResponse;
  // How many requests are on the road now.
  inFlight(): number;
  // Refuses new runs, waits up to graceMs for running commands, then cancels the rest (3007).
  shutdown(graceMs: number): Promise<void>;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { maxFailures: 10, windowMs: 60_000 };

export function createRelay(options: RelayOptions): Relay {
  const { logger, getSnapshot } = options;
  const throttle = new FailureThrottle(options.throttle ?? DEFAULT_THROTTLE);
  const slots = new RunSlots(options.maxRunning ?? null);
  const inFlight = new InFlight();
  const cancel = new StopSwitch();
  let shuttingDown = false;

  function newContext(caller: Caller): RoadContext {
    return { requestId: randomUUID(), startedAt: performance.now(), caller, snapshot: getSnapshot() };
  }

  function finish(context: RoadContext, outcome: Outcome, extra: Partial<RelayResponse> = {}): RelayResponse {
    const response: RelayResponse = {
      status: outcome.code === 0 ? 'success' : 'error',
      message: outcome.message,
      code: outcome.code,
      exit_code: outcome.exit_code,
      signal: outcome.signal,
      duration_ms: Math.round(performance.now() - context.startedAt),
      request_id: context.requestId,
      ...extra,
    };
    if (context.request?.id !== undefined) response.id = context.request.id;
    if (outcome.truncated) response.truncated = true;
    writeAuditLine(logger, context, response);
    return response;
  }

  async function run(context: RoadContext, command: CommandSpec, request: RelayRequest, io: RequestIo): Promise<RunResult> {
    checkArguments(command, request.arguments);
    const payload = decodePayload(command, request);
    if (shuttingDown) throw new RelayError('CANCELLED', 'the daemon is shutting down');
    const release = slots.acquire(command);
    try {
      const prepared = await prepareRun(command, {
        args: request.arguments,
        payload,
        stream: request.stream,
        requestTimeoutMs: request.timeout === undefined ? null : Math.ceil(request.timeout * 1000),
        meta: {
          requestId: context.requestId,
          keyLabel: context.key?.label ?? '',
          cluster: command.cluster,
          command: command.name,
          remoteAddress: context.caller.remoteAddress,
          remotePort: context.caller.remotePort,
        },
        onOutput: request.stream ? io.onOutput : null,
        clientGone: io.clientGone,
        cancel,
      });
      try {
        return await runCommand(prepared.plan, options.launcher);
      } finally {
        await prepared.cleanup();
      }
    } finally {
      release();
    }
  }

  async function road(context: RoadContext, body: Buffer | string, io: RequestIo): Promise<RelayResponse> {
    const request = parseRequest(body, context.caller.signer !== undefined);
    context.request = request;
    context.key = authenticate(context, throttle, logger);
    if (request.op === 'list') {
      const commands = listCommands(context.snapshot, context.key);
      return finish(context, { code: 0, message: `${commands.length} commands`, exit_code: null, signal: null }, { commands });
    }
    const command = resolveCommand(context, logger);
    context.command = command;
    const result = await run(context, command, request, io);
    return finish(context, outcomeOfRun(result, request.stream));
  }

  function failed(context: RoadContext, error: unknown): RelayResponse {
    if (error instanceof RelayError) return finish(context, outcomeOfError(error));
    logger.error({ request_id: context.requestId, err: error }, 'internal error');
    return finish(context, outcomeOfError(new RelayError('INTERNAL')));
  }

  return {
    async handle(body, caller, io) {
      const context = newContext(caller);
      const done = inFlight.enter();
      try {
        return await road(context, body, io);
      } catch (error) {
        return failed(context, error);
      } finally {
        done();
      }
    },
    reject(codeName, caller) {
      return failed(newContext(caller), new RelayError(codeName));
    },
    inFlight: () => inFlight.count(),
    async shutdown(graceMs) {
      shuttingDown = true;
      const drained = await inFlight.idle(graceMs);
      if (!drained) {
        logger.warn({ running: slots.running(), grace_ms: graceMs }, 'shutdown grace over: cancelling running commands');
        cancel.abort();
        await inFlight.idle(null);
      }
    },
  };
}
