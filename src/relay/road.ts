// The core road (ARCHITECTURE.md). A door hands it a validated request with a Credential and
// who asked; it hands back the response. Transport-free. Every request meets the stages in the
// order `travel` below runs them, the one place they are named in order:
//
//   authenticate → authorize → resolve → policy → run → respond (→ audit log)
//
// each one function in its own file of src/relay/. `list` and the job ops leave after
// authenticate: they name no command.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { credentialOwner, FailureThrottle, type ThrottleOptions } from '../auth/index.js';
import type { ConfigSnapshot } from '../config/index.js';
import { StopSwitch, type Launcher } from '../exec/index.js';
import type { Logger } from '../log/index.js';
import { RelayError, type RelayResponse } from '../protocol/index.js';
import { authenticate } from './authenticate.js';
import { authorize } from './authorize.js';
import type { Road, RoadContext } from './context.js';
import { InFlight } from './in-flight.js';
import { answerJobOp, isJobOp } from './job-ops.js';
import type { Jobs } from './jobs/index.js';
import { listCommands } from './list.js';
import { OutputMemory } from './output-memory.js';
import { applyPolicy } from './policy.js';
import { resolve, splitCommand } from './resolve.js';
import { outcomeOfError, outcomeOfRun, respond, success } from './respond.js';
import { run } from './run.js';
import { RunSlots } from './slots.js';
import type { Caller, RelayObserver, RequestIo, RoadEntry } from './types.js';

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
  // Runs one request down the whole road. Never throws: every failure is a response.
  handle(entry: RoadEntry, io: RequestIo): Promise<RelayResponse>;
  // Answers a request that never reached the road (too large, too slow, malformed, …) with
  // the refusal's code and message, and audit-logs it. Like a stage's failure: what is not a
  // RelayError is logged and answered 9999.
  reject(refusal: unknown, caller: Caller): RelayResponse;
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

// One request, stage by stage. A stage that refuses throws a RelayError; `handle` answers it.
async function travel(road: Road, context: RoadContext, { request, credential }: RoadEntry, io: RequestIo): Promise<RelayResponse> {
  context.request = request;
  const key = authenticate(road, context, credential);
  context.key = key;
  if (request.op === 'list') {
    const commands = listCommands(context.snapshot, key);
    return respond(road, context, success(`${commands.length} commands`, { commands }));
  }
  if (isJobOp(request.op)) return respond(road, context, await answerJobOp(road.jobs, credentialOwner(credential), request, io.clientGone));
  const name = splitCommand(request.command);
  authorize(road, context, key, name.cluster);
  const command = resolve(context.snapshot, name);
  context.command = command;
  const payload = applyPolicy(command, request);
  const ran = await run(road, context, { command, request, payload, credential }, io);
  if ('jobId' in ran) return respond(road, context, success('Job started', { job_id: ran.jobId }));
  return respond(road, context, { outcome: outcomeOfRun(ran, request.stream) });
}

// A refusal from any stage (or from a door) as the response; anything else is a bug, logged
// and answered 9999.
function refused(road: Road, context: RoadContext, error: unknown): RelayResponse {
  if (error instanceof RelayError) return respond(road, context, { outcome: outcomeOfError(error) });
  road.logger.error({ request_id: context.requestId, err: error }, 'internal error');
  return respond(road, context, { outcome: outcomeOfError(new RelayError('INTERNAL')) });
}

function newContext(caller: Caller, snapshot: ConfigSnapshot): RoadContext {
  return { requestId: randomUUID(), startedAt: performance.now(), caller, snapshot };
}

// Waits for the road to empty (up to graceMs, or a second signal), then cancels what still runs.
async function drain(road: Road, inFlight: InFlight, graceMs: number, endGrace: AbortSignal | undefined): Promise<void> {
  road.shuttingDown = true;
  const jobs = road.jobs;
  jobs?.releaseWaiters(); // long-polls answer now with what there is
  const [drained, jobsDrained] = await Promise.all([inFlight.idle(graceMs, endGrace), jobs?.idle(graceMs, endGrace) ?? true]);
  if (!drained || !jobsDrained) {
    const why = endGrace?.aborted ? 'second signal: ending the grace now' : 'shutdown grace over';
    road.logger.warn({ running: road.slots.running(), grace_ms: graceMs }, `${why}: cancelling running commands`);
    road.cancel.abort();
    await Promise.all([inFlight.idle(null), jobs?.idle(null)]);
  }
  jobs?.close();
}

export function createRelay(options: RelayOptions): Relay {
  const road: Road = {
    logger: options.logger,
    observer: options.observer,
    throttle: new FailureThrottle(options.throttle ?? DEFAULT_THROTTLE),
    slots: new RunSlots(options.maxRunning ?? null),
    outputMemory: new OutputMemory(options.maxBufferedOutput ?? null),
    cancel: new StopSwitch(),
    jobs: options.jobs ?? null,
    launcher: options.launcher,
    shuttingDown: false,
  };
  const inFlight = new InFlight();

  return {
    async handle(entry, io) {
      const context = newContext(entry.caller, entry.snapshot ?? options.getSnapshot());
      const done = inFlight.enter();
      try {
        return await travel(road, context, entry, io);
      } catch (error) {
        return refused(road, context, error);
      } finally {
        done();
      }
    },
    reject: (refusal, caller) => refused(road, newContext(caller, options.getSnapshot()), refusal),
    inFlight: () => inFlight.count(),
    served: () => inFlight.served(),
    running: () => road.slots.running(),
    jobsRunning: () => road.jobs?.running() ?? 0,
    shutdown: (graceMs, endGrace) => drain(road, inFlight, graceMs, endGrace),
  };
}
