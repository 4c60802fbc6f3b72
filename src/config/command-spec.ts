// One command of relays.conf, every option checked and resolved against the daemon defaults.
import type { AccountDirectory } from './accounts.js';
import { parseCommandLine } from './command-line.js';
import { parseEnv, parsePassEnv } from './environment-options.js';
import type { IniOption } from './ini-types.js';
import { parseByteCount, parsePositiveInteger, parseTimeout } from './limit-options.js';
import type { OptionResult } from './option-result.js';
import { parseCwd, resolveRunAs } from './place-options.js';
import { parseArgPattern, parseArgsPolicy, parseBoolean, parseChoice, parseLogmask } from './policy-options.js';
import type { CommandSpec, ConfigProblem, DaemonDefaults, PayloadMode, DisconnectPolicy } from './types.js';

// The options a [cluster::name] section may hold (SPEC 5.2).
export const COMMAND_OPTIONS: ReadonlySet<string> = new Set([
  'command', 'description', 'timeout', 'max_output', 'user', 'group', 'cwd', 'env', 'pass_env', 'args',
  'arg_pattern', 'payload', 'max_payload', 'concurrency', 'logmask', 'shell', 'on_disconnect',
]);

export const DEFAULT_MAX_PAYLOAD = 262144;
const PAYLOAD_MODES: readonly PayloadMode[] = ['none', 'stdin', 'file'];
const DISCONNECT_POLICIES: readonly DisconnectPolicy[] = ['continue', 'kill'];

export interface CommandSource {
  cluster: string;
  name: string;
  section: string; // the section it was written in, for problems and the origin
  file: string; // where the section (or the plain line) is
  line: number;
  options: ReadonlyMap<string, IniOption>; // `command` plus, in the extended form, the others
}

export interface CommandContext {
  defaults: DaemonDefaults;
  accounts: AccountDirectory;
}

// Builds a CommandSpec, pushing a problem for every bad option; null when any option is bad.
export function buildCommandSpec(source: CommandSource, context: CommandContext, problems: ConfigProblem[]): CommandSpec | null {
  const before = problems.length;
  const problemAt = (option: IniOption | undefined, optionName: string, message: string): void => {
    problems.push({
      file: option?.file ?? source.file,
      line: option?.line ?? source.line,
      section: source.section,
      option: option?.name ?? optionName, // a plain line's option is named after its command
      message,
    });
  };
  // Parses an option if present; a bad value is a problem and the default stays.
  const read = <T>(name: string, parse: (value: string) => OptionResult<T>, fallback: T): T => {
    const option = source.options.get(name);
    if (option === undefined) return fallback;
    const result = parse(option.value);
    if (result.ok) return result.value;
    problemAt(option, name, result.message);
    return fallback;
  };

  const { defaults } = context;
  const shell = read('shell', parseBoolean, defaults.shellExec);
  const commandOption = source.options.get('command');
  let argv: readonly string[] = [];
  if (commandOption === undefined) {
    problemAt(undefined, 'command', 'required');
  } else {
    argv = read('command', (line) => parseCommandLine(line, shell), argv);
  }
  const runAs = resolveRunAs(context.accounts, source.options.get('user')?.value, source.options.get('group')?.value);
  for (const problem of runAs.problems) problemAt(source.options.get(problem.option), problem.option, problem.message);

  const spec: CommandSpec = {
    cluster: source.cluster,
    name: source.name,
    line: commandOption?.value ?? '',
    argv: Object.freeze([...argv]),
    description: source.options.get('description')?.value ?? '',
    timeoutMs: read('timeout', parseTimeout, defaults.timeoutMs),
    maxOutput: read('max_output', parseByteCount, defaults.maxOutput),
    uid: runAs.runAs.uid,
    gid: runAs.runAs.gid,
    cwd: read('cwd', parseCwd, '/'),
    env: read('env', parseEnv, new Map<string, string>()),
    passEnv: Object.freeze([...read('pass_env', parsePassEnv, [])]),
    args: Object.freeze(read('args', parseArgsPolicy, { min: 0, max: null })),
    argPattern: read<RegExp | null>('arg_pattern', parseArgPattern, null),
    payload: read('payload', (value) => parseChoice(value, PAYLOAD_MODES), 'none'),
    maxPayload: read('max_payload', parseByteCount, DEFAULT_MAX_PAYLOAD),
    concurrency: read<number | null>('concurrency', parsePositiveInteger, null),
    logmask: read('logmask', parseLogmask, new Set<number>()),
    shell,
    onDisconnect: read('on_disconnect', (value) => parseChoice(value, DISCONNECT_POLICIES), 'continue'),
    origin: Object.freeze({ file: source.file, section: source.section }),
  };
  if (problems.length === before) return Object.freeze(spec);
  // Options are checked in a fixed order; the problems are listed in the order of the file.
  const found = problems.splice(before).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  problems.push(...found);
  return null;
}
