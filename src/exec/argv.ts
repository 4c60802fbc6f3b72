// The argv the command gets (SPEC 5.1, 5.3, 5.4). Client arguments are only ever separate argv
// entries: never joined into a line, never shell text.
import { shellScript, type CommandSpec } from '../config/index.js';

// Builds the final argv: configured command line, the payload file if any, client arguments.
// In shell mode the configured line is the script of `/bin/sh -c`, the command's name is `$0`
// and everything after reaches the script as `$1`, `$2`, … (`"$@"`, appended to a line that
// names no positional parameter).
export function buildArgv(command: CommandSpec, clientArgs: readonly string[], payloadPath: string | null): string[] {
  const after = payloadPath === null ? [...clientArgs] : [payloadPath, ...clientArgs];
  if (command.shell) return ['/bin/sh', '-c', shellScript(command.line), command.name, ...after];
  return [...command.argv, ...after];
}
