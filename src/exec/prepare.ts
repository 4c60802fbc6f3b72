// From a checked request and its command's configuration to a RunPlan (SPEC 5).
import { shellScript, type CommandSpec } from '../config/index.js';
import { buildEnvironment } from './env.js';
import { writePayloadFile } from './payload-file.js';
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
      outputAccount: input.outputAccount ?? null,
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

// The argv the command gets (SPEC 5.1, 5.3, 5.4). Client arguments are only ever separate argv
// entries: never joined into a line, never shell text.

// Builds the final argv: configured command line, the payload file if any, client arguments.
// In shell mode the configured line is the script of `/bin/sh -c`, the command's name is `$0`
// and everything after reaches the script as `$1`, `$2`, … (`"$@"`, appended to a line that
// names no positional parameter).
function buildArgv(command: CommandSpec, clientArgs: readonly string[], payloadPath: string | null): string[] {
  const after = payloadPath === null ? [...clientArgs] : [payloadPath, ...clientArgs];
  if (command.shell) return ['/bin/sh', '-c', shellScript(command.line), command.name, ...after];
  return [...command.argv, ...after];
}

// A request's `timeout` (SPEC 2.1) may only lower the command's configured limit.

// The limit a run gets, in ms (0 = none): the command's, lowered by the request's when that is
// smaller. The command's 0 means none, so any request limit applies; a request limit that is
// null, 0 or negative lowers nothing.
function effectiveTimeoutMs(commandMs: number, requestMs: number | null): number {
  if (requestMs === null || !(requestMs > 0)) return commandMs;
  return commandMs === 0 ? requestMs : Math.min(commandMs, requestMs);
}
