// Every option of a [cluster::name] section (SPEC 5.2), declared once, as webhook declares the
// fields of its Hook: the name written in relays.conf, the CommandSpec field it sets, how its value
// is read, its default and one line of documentation. The table's order is the order
// `unknown option (known: …)` lists them in; CommandSpec's option fields are derived from it.
import type { AccountDirectory } from './accounts.js';
import {
  accept,
  parseArgPattern,
  parseArgsPolicy,
  parseBoolean,
  parseByteCount,
  parseChoice,
  parseCommandLine,
  parseCwd,
  parseEnv,
  parseLogmask,
  parsePassEnv,
  parsePositiveInteger,
  parseTimeout,
  reject,
  type OptionResult,
} from './option-values.js';
import type { DaemonDefaults, DisconnectPolicy, PayloadMode } from './types.js';

export const DEFAULT_MAX_PAYLOAD = 262144;
const PAYLOAD_MODES: readonly PayloadMode[] = ['none', 'stdin', 'file'];
const DISCONNECT_POLICIES: readonly DisconnectPolicy[] = ['continue', 'kill'];

// What an option's parser and default may consult besides its own value.
export interface OptionContext {
  defaults: DaemonDefaults;
  accounts: AccountDirectory;
  written: (name: string) => string | undefined; // another option's value as written in the section
  setting: <T>(option: CommandOption<string, T>) => T; // another option's value, read (once) first
}

export interface CommandOption<Field extends string, T> {
  name: string; // as written in relays.conf (option names are lower-case)
  field: Field; // the CommandSpec property it sets
  doc: string; // one line; the README's "Command options" has the whole story and an example
  required?: boolean; // a section without it is a problem ("required")
  parse(value: string, context: OptionContext): OptionResult<T>; // a rejection is a configtest problem
  fallback(context: OptionContext): T; // the value when the option is not written
}

// Declares one option; the helper only infers Field and T for the table's derived types.
function option<Field extends string, T>(declaration: CommandOption<Field, T>): CommandOption<Field, T> {
  return declaration;
}

const shell = option({
  name: 'shell',
  field: 'shell',
  doc: 'yes/no: this command\'s line through /bin/sh -c; default --shell-exec',
  parse: parseBoolean,
  fallback: ({ defaults }) => defaults.shellExec,
});

export const COMMAND_OPTIONS = [
  option({
    name: 'command',
    field: 'argv',
    doc: 'the command line, shlex-split into argv and run without a shell',
    required: true,
    parse: (line, context) => parseCommandLine(line, context.setting(shell)),
    fallback: (): readonly string[] => [],
  }),
  option({
    name: 'description',
    field: 'description',
    doc: 'one line for humans and for listings',
    parse: (text) => accept(text),
    fallback: () => '',
  }),
  option({
    name: 'timeout',
    field: 'timeoutMs',
    doc: 'seconds before the command is killed (3002); 0 = none; default --timeout',
    parse: parseTimeout,
    fallback: ({ defaults }) => defaults.timeoutMs,
  }),
  option({
    name: 'max_output',
    field: 'maxOutput',
    doc: 'bytes of stdout+stderr kept (K, M, G); past it: kill, 3003, truncated; default --max-output',
    parse: parseByteCount,
    fallback: ({ defaults }) => defaults.maxOutput,
  }),
  option<'uid', number | null>({
    name: 'user',
    field: 'uid',
    doc: 'run as this user (name or id; needs root); alone, with its primary group',
    parse: (user, { accounts, written }) => {
      const found = accounts.findUser(user);
      if (found === null) return reject(`no such user: ${user}`);
      if (written('group') === undefined && found.gid === null) {
        return reject(`uid ${user} has no /etc/passwd entry to take a primary group from; set group too`);
      }
      return accept(found.uid);
    },
    fallback: () => null,
  }),
  option<'gid', number | null>({
    name: 'group',
    field: 'gid',
    doc: 'run as this group (name or id; needs root); default the user\'s primary group, else the daemon\'s',
    parse: (group, { accounts }) => {
      const gid = accounts.findGroup(group);
      return gid === null ? reject(`no such group: ${group}`) : accept(gid);
    },
    fallback: ({ accounts, written }) => {
      const user = written('user');
      return user === undefined ? null : (accounts.findUser(user)?.gid ?? null);
    },
  }),
  option({
    name: 'cwd',
    field: 'cwd',
    doc: 'working directory, an absolute path that exists; default /',
    parse: parseCwd,
    fallback: () => '/',
  }),
  option({
    name: 'env',
    field: 'env',
    doc: 'NAME=value pairs, shlex-split, added to the environment',
    parse: parseEnv,
    fallback: (): ReadonlyMap<string, string> => new Map(),
  }),
  option({
    name: 'pass_env',
    field: 'passEnv',
    doc: 'names taken from the daemon\'s environment (spaces or commas between them)',
    parse: parsePassEnv,
    fallback: (): readonly string[] => [],
  }),
  option({
    name: 'args',
    field: 'args',
    doc: 'how many client arguments: none, any (default), N (at most N) or M-N',
    parse: parseArgsPolicy,
    fallback: () => ({ min: 0, max: null }),
  }),
  option<'argPattern', RegExp | null>({
    name: 'arg_pattern',
    field: 'argPattern',
    doc: 'a regular expression every client argument must match whole',
    parse: parseArgPattern,
    fallback: () => null,
  }),
  option({
    name: 'payload',
    field: 'payload',
    doc: 'none (default), stdin or file: where a request\'s payload goes',
    parse: (value) => parseChoice(value, PAYLOAD_MODES),
    fallback: (): PayloadMode => 'none',
  }),
  option({
    name: 'max_payload',
    field: 'maxPayload',
    doc: `bytes of payload after decoding (K, M, G); default ${DEFAULT_MAX_PAYLOAD}`,
    parse: parseByteCount,
    fallback: () => DEFAULT_MAX_PAYLOAD,
  }),
  option<'concurrency', number | null>({
    name: 'concurrency',
    field: 'concurrency',
    doc: 'simultaneous runs of this command; one more is 3005; default unlimited',
    parse: parsePositiveInteger,
    fallback: () => null,
  }),
  option({
    name: 'logmask',
    field: 'logmask',
    doc: '1-based positions of client arguments logged as **MASKED**',
    parse: parseLogmask,
    fallback: (): ReadonlySet<number> => new Set(),
  }),
  shell,
  option({
    name: 'on_disconnect',
    field: 'onDisconnect',
    doc: 'continue (default) or kill: what happens to the command when the client goes away',
    parse: (value) => parseChoice(value, DISCONNECT_POLICIES),
    fallback: (): DisconnectPolicy => 'continue',
  }),
] as const;

type AnyCommandOption = (typeof COMMAND_OPTIONS)[number];

// The CommandSpec fields the options set: field -> the type its parser yields.
export type CommandSettings = {
  [Option in AnyCommandOption as Option['field']]: Option extends CommandOption<string, infer T> ? T : never;
};

// The names a [cluster::name] section may hold.
export const COMMAND_OPTION_NAMES: ReadonlySet<string> = new Set(COMMAND_OPTIONS.map((declared) => declared.name));
