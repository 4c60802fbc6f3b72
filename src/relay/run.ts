// Stage: run the command, or start it as a detached job (SPEC 10), within the daemon's limits.
import { credentialOwner, type Credential } from '../auth/index.js';
import type { CommandSpec } from '../config/index.js';
import { prepareRun, runCommand, stopOnAny, type PrepareInput, type RunResult } from '../exec/index.js';
import { RelayError, type RoadRequest } from '../protocol/index.js';
import { maskArguments, writeJobEndLine } from './audit.js';
import type { Road, RoadContext } from './context.js';
import { commandName, jobEndOf } from './job-ops.js';
import type { RequestIo } from './types.js';

// What the run stage was given: the resolved command, the request and its decoded payload, and
// the credential, whose hash owns a job it starts (auth/credentialOwner; worked out only then).
export interface RunOrder {
  command: CommandSpec;
  request: RoadRequest;
  payload: Buffer | null;
  credential: Credential;
}

// Runs the command, or starts it as a job and resolves with the job's id. Fails with 3007 once
// the daemon is shutting down, 3005 past a concurrency or output limit.
export async function run(road: Road, context: RoadContext, order: RunOrder, io: RequestIo): Promise<RunResult | { jobId: string }> {
  if (road.shuttingDown) throw new RelayError('CANCELLED', 'the daemon is shutting down');
  if (order.request.detach) return { jobId: await startJob(road, context, order) };
  return await runNow(road, context, order, io); // awaited: an async function returning a promise costs two more microtask turns
}

// What a door or a job adds to a run's input: how the output travels and what may stop the run.
type RunWiring = Omit<PrepareInput, 'args' | 'payload' | 'requestTimeoutMs' | 'meta'>;

// A run's input: what a run and a job take alike from the request (the client's arguments,
// payload, time limit and who asked), and the wiring. Written out field by field, not as
// `{ ...common, ...wiring }`: on Node 20 an object that starts with a spread left about 1 KB a
// request alive through the young collections (README, Benchmarks: "Young garbage").
function runInput(context: RoadContext, { command, request, payload }: RunOrder, wiring: RunWiring): PrepareInput {
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
    stream: wiring.stream,
    onOutput: wiring.onOutput,
    clientGone: wiring.clientGone,
    cancel: wiring.cancel,
    outputAccount: wiring.outputAccount ?? null,
    outputSink: wiring.outputSink ?? null,
    onSpawn: wiring.onSpawn ?? null,
  };
}

// The command runs while the client waits; its captured output counts against the daemon's
// budget until the door has sent the answer.
async function runNow(road: Road, context: RoadContext, order: RunOrder, io: RequestIo): Promise<RunResult> {
  const { command, request } = order;
  if (!road.outputMemory.hasRoom()) throw new RelayError('BUSY', 'the daemon holds as much command output as --max-buffered-output allows');
  const release = road.slots.acquire(command);
  const account = road.outputMemory.open();
  let handedOver = false;
  try {
    const prepared = await prepareRun(
      command,
      runInput(context, order, {
        stream: request.stream,
        onOutput: request.stream ? io.onOutput : null,
        clientGone: io.clientGone,
        cancel: road.cancel,
        outputAccount: account,
      }),
    );
    const stopWatching = command.onDisconnect === 'kill' ? io.watchClientGone?.() : undefined;
    try {
      const result = await runCommand(prepared.plan, road.launcher);
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

// A detached run: the command runs on as a job that holds its concurrency slot until it ends;
// the answer carries the job's id at once.
async function startJob(road: Road, context: RoadContext, order: RunOrder): Promise<string> {
  const { command, request } = order;
  const jobs = road.jobs;
  if (jobs === null) throw new RelayError('MALFORMED', 'this relay keeps no jobs');
  const release = road.slots.acquire(command);
  try {
    return await jobs.start(
      {
        owner: credentialOwner(order.credential),
        label: context.key?.label ?? '',
        command: commandName(command),
        args: maskArguments(command, request.arguments) ?? [],
        run: async (job) => {
          const stop = stopOnAny(road.cancel, job.cancel);
          try {
            const prepared = await prepareRun(
              command,
              runInput(context, order, {
                stream: false,
                onOutput: null,
                clientGone: null, // on_disconnect does not apply to a job
                cancel: stop.stop,
                outputSink: job.sink,
                onSpawn: job.onSpawn,
              }),
            );
            try {
              return jobEndOf(await runCommand(prepared.plan, road.launcher));
            } finally {
              await prepared.cleanup();
            }
          } finally {
            stop.dispose();
            release();
          }
        },
      },
      (record, durationMs) => writeJobEndLine(road.logger, context, record, durationMs),
    );
  } catch (error) {
    release();
    throw error;
  }
}
