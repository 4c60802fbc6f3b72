// From a checked request and its command's configuration to a RunPlan (SPEC 5).
import type { CommandSpec } from '../config/index.js';
import { buildArgv } from './argv.js';
import { buildEnvironment } from './env.js';
import { writePayloadFile } from './payload-file.js';
import { effectiveTimeoutMs } from './time-limit.js';
import type { PreparedRun, PrepareInput } from './types.js';

// Builds the plan of one run, writing the payload file first when the command takes one.
// Rejects only when that file cannot be written (then nothing is left behind).
export async function prepareRun(command: CommandSpec, input: PrepareInput): Promise<PreparedRun> {
  const payloadFile =
    command.payload === 'file' && input.payload !== null
      ? await writePayloadFile(input.payload, command.uid, command.gid)
      : null;
  return {
    plan: {
      argv: buildArgv(command, input.args, payloadFile?.path ?? null),
      env: buildEnvironment(command, input.meta),
      cwd: command.cwd,
      uid: command.uid,
      gid: command.gid,
      timeoutMs: effectiveTimeoutMs(command.timeoutMs, input.requestTimeoutMs),
      maxOutput: input.stream ? null : command.maxOutput,
      stdin: command.payload === 'stdin' ? input.payload : null,
      onOutput: input.onOutput,
      clientGone: input.clientGone,
      killOnDisconnect: command.onDisconnect === 'kill',
      cancel: input.cancel,
      outputSink: input.outputSink ?? null,
      onSpawn: input.onSpawn ?? null,
    },
    cleanup: payloadFile === null ? async () => {} : payloadFile.remove,
  };
}
