// The core road (ARCHITECTURE.md): parse → authenticate → authorize → resolve → policy → run →
// respond → audit log. Transport-free: doors hand it bytes and a Caller, it hands back a response.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FailureThrottle, type ThrottleOptions } from '../auth/index.js';
import type { CommandSpec, ConfigSnapshot } from '../config/index.js';
import { prepareRun, runCommand, stopOnAny, StopSwitch, type Launcher, type PrepareInput, type RunResult } from '../exec/index.js';
import type { Logger } from '../log/index.js';
import { codes, parseRequest, RelayError, validateRequestValue, type CodeName, type RelayRequest, type RelayResponse } from '../protocol/index.js';
import { maskArguments, writeAuditLine, writeJobEndLine } from './audit.js';
import { authenticate } from './authenticate.js';
import type { RoadContext } from './context.js';
import { InFlight } from './in-flight.js';
import { answerJobOp, commandName, jobEndOf, jobOwner } from './job-ops.js';
import type { Jobs } from './jobs/index.js';
import { listCommands } from './list.js';
import { checkArguments, decodePayload } from './policy.js';
import { outcomeOfError, outcomeOfRun, type Outcome } from './respond.js';
import { resolveCommand } from './resolve.js';
import { OutputMemory } from './output-memory.js';
import { RunSlots } from './slots.js';
import type { Caller, RelayObserver, RequestIo, ValueCredential, ValueOverrides } from './types.js';

export interface RelayOptions {
  getSnapshot: () => ConfigSnapshot; // read once per request; SIGHUP swaps what it returns
  logger: Logger;
  throttle?: ThrottleOptions; // failed-authentication limit per address (1002)
  maxRunning?: number | null; // commands running at once across the daemon (3005)
  maxBufferedOutput?: number | null; // captured output held across the daemon (3005 past it)
  launcher?: Launcher; // what --spawn resolved to (SPEC 5.5); default auto
  observer?: RelayObserver; // metrics
  jobs?: Jobs | null; // detached jobs (SPEC 10); without it `detach` and the job ops are refused
}

export interface Relay {
  // Runs one request through the whole road. Never throws: every failure is a response.
  handle(body: Buffer | string, caller: Caller, io: RequestIo): Promise<RelayResponse>;
  // The same road for a door that parsed the JSON itself (HTTP): validated with the same
  // schema, the key from the body or beside it. Never throws.
  handleValue(value: unknown, credential: ValueCredential, overrides: ValueOverrides, caller: Caller, io: RequestIo): Promise<RelayResponse>;
  // Answers a request that never reached the road (too large, too slow, …) and audit-logs it;
  // detail completes the code's message.
  reject(codeName: CodeName, caller: Caller, detail?: string): RelayResponse;
  // How many requests are on the road now.
  inFlight(): number;
  // How many requests have been answered since the start (systemd STATUS=).
  served(): number;
  // How many commands are running now.
  running(): number;
  // How many detached jobs are running now.
  jobsRunning(): number;
  // Refuses new runs, waits up to graceMs for running commands and jobs (or until `endGrace`
  // aborts: a second SIGTERM), then cancels the rest (3007).
  shutdown(graceMs: number, endGrace?: AbortSignal): Promise<void>;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { maxFailures: 10, windowMs: 60_000 };

export function createRelay(options: RelayOptions): Relay {
  const { logger, getSnapshot } = options;
  const throttle = new FailureThrottle(options.throttle ?? DEFAULT_THROTTLE);
  const slots = new RunSlots(options.maxRunning ?? null);
  const outputMemory = new OutputMemory(options.maxBufferedOutput ?? null);
  const inFlight = new InFlight();
  const cancel = new StopSwitch();
  const jobs = options.jobs ?? null;
  let shuttingDown = false;

  function newContext(caller: Caller): RoadContext {
    return { requestId: randomUUID(), startedAt: performance.now(), caller, snapshot: getSnapshot() };
  }

  function finish(context: RoadContext, outcome: Outcome, extra: Partial<RelayResponse> = {}): RelayResponse {
    const response: RelayResponse = {
      status: outcome.code === codes.OK.code ? 'ok' : 'error',
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
    options.observer?.requestFinished(context.caller.transport, response.code, performance.now() - context.startedAt);
    return response;
  }

  // What a run and a job prepare alike: the client's arguments, payload, time limit and who asked.
  function runInput(context: RoadContext, command: CommandSpec, request: RelayRequest, payload: Buffer | null): Pick<PrepareInput, 'args' | 'payload' | 'requestTimeoutMs' | 'meta'> {
    return {
      args: request.arguments,
      payload,
      requestTimeoutMs: request.timeout === undefined ? null : Math.ceil(request.timeout * 1000),
      meta: {
        requestId: context.requestId,
        keyLabel: context.key?.label ?? '',
        cluster: command.cluster,
        command: command.name,
        remoteAddress: context.caller.remoteAddress,
        remotePort: context.caller.remotePort,
      },
    };
  }

  // Runs the command, or starts it as a job and resolves with the job's id.
  async function run(context: RoadContext, command: CommandSpec, request: RelayRequest, io: RequestIo): Promise<RunResult | string> {
    checkArguments(command, request.arguments);
    const payload = decodePayload(command, request);
    if (shuttingDown) throw new RelayError('CANCELLED', 'the daemon is shutting down');
    if (request.detach) return startJob(context, command, request, payload);
    if (!outputMemory.hasRoom()) throw new RelayError('BUSY', 'the daemon holds as much command output as --max-buffered-output allows');
    const release = slots.acquire(command);
    const account = outputMemory.open();
    let handedOver = false;
    try {
      const prepared = await prepareRun(command, {
        ...runInput(context, command, request, payload),
        stream: request.stream,
        onOutput: request.stream ? io.onOutput : null,
        clientGone: io.clientGone,
        cancel,
        outputAccount: account,
      });
      const stopWatching = command.onDisconnect === 'kill' ? io.watchClientGone?.() : undefined;
      try {
        const result = await runCommand(prepared.plan, options.launcher);
        if (io.keepUntilSent) {
          handedOver = true;
          io.keepUntilSent(account.release);
        }
        return result;
      } finally {
        stopWatching?.();
        await prepared.cleanup();
      }
    } finally {
      if (!handedOver) account.release();
      release();
    }
  }

  // A detached run (SPEC 10): the same checks, then the command runs on as a job that holds its
  // concurrency slot until it ends; the answer carries the job's id at once.
  async function startJob(context: RoadContext, command: CommandSpec, request: RelayRequest, payload: Buffer | null): Promise<string> {
    if (jobs === null) throw new RelayError('MALFORMED', 'this relay keeps no jobs');
    const release = slots.acquire(command);
    try {
      return await jobs.start(
        {
          owner: jobOwner(context),
          label: context.key?.label ?? '',
          command: commandName(command),
          args: maskArguments(command, request.arguments) ?? [],
          run: async (job) => {
            const stop = stopOnAny(cancel, job.cancel);
            try {
              const prepared = await prepareRun(command, {
                ...runInput(context, command, request, payload),
                stream: false,
                onOutput: null,
                clientGone: null, // on_disconnect does not apply to a job
                cancel: stop.stop,
                outputSink: job.sink,
                onSpawn: job.onSpawn,
              });
              try {
                return jobEndOf(await runCommand(prepared.plan, options.launcher));
              } finally {
                await prepared.cleanup();
              }
            } finally {
              stop.dispose();
              release();
            }
          },
        },
        (record, durationMs) => writeJobEndLine(logger, context, record, durationMs),
      );
    } catch (error) {
      release();
      throw error;
    }
  }

  async function road(context: RoadContext, parse: () => RelayRequest, io: RequestIo): Promise<RelayResponse> {
    const request = parse();
    context.request = request;
    context.key = authenticate(context, throttle, logger, options.observer);
    if (request.op === 'list') {
      const commands = listCommands(context.snapshot, context.key);
      return finish(context, { code: codes.OK.code, message: `${commands.length} commands`, exit_code: null, signal: null }, { commands });
    }
    if (request.op === 'job' || request.op === 'jobs' || request.op === 'cancel') {
      const answer = await answerJobOp(context, jobs, request, io.clientGone);
      return finish(context, answer.outcome, answer.extra);
    }
    const command = resolveCommand(context, logger);
    context.command = command;
    const result = await run(context, command, request, io);
    if (typeof result === 'string') return finish(context, { code: codes.OK.code, message: 'Job started', exit_code: null, signal: null }, { job_id: result });
    return finish(context, outcomeOfRun(result, request.stream));
  }

  function failed(context: RoadContext, error: unknown): RelayResponse {
    if (error instanceof RelayError) return finish(context, outcomeOfError(error));
    logger.error({ request_id: context.requestId, err: error }, 'internal error');
    return finish(context, outcomeOfError(new RelayError('INTERNAL')));
  }

  async function enter(caller: Caller, parse: () => RelayRequest, io: RequestIo): Promise<RelayResponse> {
    const context = newContext(caller);
    const done = inFlight.enter();
    try {
      return await road(context, parse, io);
    } catch (error) {
      return failed(context, error);
    } finally {
      done();
    }
  }

  return {
    handle: (body, caller, io) => enter(caller, () => parseRequest(body, caller.signer !== undefined), io),
    handleValue: (value, credential, overrides, caller, io) =>
      enter(
        caller,
        () => {
          const request = validateRequestValue(value, caller.signer !== undefined, credential.authKey);
          if (overrides.stream !== undefined) request.stream = overrides.stream;
          return request;
        },
        io,
      ),
    reject(codeName, caller, detail) {
      return failed(newContext(caller), new RelayError(codeName, detail));
    },
    inFlight: () => inFlight.count(),
    served: () => inFlight.served(),
    running: () => slots.running(),
    jobsRunning: () => jobs?.running() ?? 0,
    async shutdown(graceMs, endGrace) {
      shuttingDown = true;
      jobs?.releaseWaiters(); // long-polls answer now with what there is
      const [drained, jobsDrained] = await Promise.all([inFlight.idle(graceMs, endGrace), jobs?.idle(graceMs, endGrace) ?? true]);
      if (!drained || !jobsDrained) {
        const why = endGrace?.aborted ? 'second signal: ending the grace now' : 'shutdown grace over';
        logger.warn({ running: slots.running(), grace_ms: graceMs }, `${why}: cancelling running commands`);
        cancel.abort();
        await Promise.all([inFlight.idle(null), jobs?.idle(null)]);
      }
      jobs?.close();
    },
  };
}
