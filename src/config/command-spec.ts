// One command of relays.conf: every option of the table in command-options.ts read, checked and
// resolved against the daemon defaults.
import type { AccountDirectory } from './accounts.js';
import { COMMAND_OPTIONS, type CommandOption, type CommandSettings, type OptionContext } from './command-options.js';
import type { IniOption } from './ini-types.js';
import type { CommandSpec, ConfigProblem, DaemonDefaults } from './types.js';

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

// A snapshot's arrays and plain objects are frozen; Maps, Sets and RegExps are only ever read.
function frozen<T>(value: T): T {
  if (Array.isArray(value) || (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)) {
    return Object.freeze(value);
  }
  return value;
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

  // Each option is read once, when first asked for: an option another depends on (command's
  // splitting depends on shell) is read, and its problem reported, before that other one.
  const settings = new Map<CommandOption<string, unknown>, unknown>();
  const optionContext: OptionContext = {
    ...context,
    written: (name) => source.options.get(name)?.value,
    setting: <T>(declared: CommandOption<string, T>): T => {
      // The map is keyed by the declaration, so what it holds for one is that declaration's T.
      if (settings.has(declared)) return settings.get(declared) as T;
      const written = source.options.get(declared.name);
      let value: T;
      if (written === undefined) {
        if (declared.required === true) problemAt(undefined, declared.name, 'required');
        value = declared.fallback(optionContext);
      } else {
        const result = declared.parse(written.value, optionContext);
        // A bad value is a problem and the default stays.
        if (!result.ok) problemAt(written, declared.name, result.message);
        value = result.ok ? result.value : declared.fallback(optionContext);
      }
      settings.set(declared, value);
      return value;
    },
  };
  // Filled field by field from the table, so it holds exactly CommandSettings' fields.
  const read: Record<string, unknown> = {};
  for (const declared of COMMAND_OPTIONS) read[declared.field] = frozen(optionContext.setting<unknown>(declared));
  if (problems.length > before) {
    // Options are read in the table's order; the problems are listed in the order of the file.
    const found = problems.splice(before).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    problems.push(...found);
    return null;
  }
  return Object.freeze({
    cluster: source.cluster,
    name: source.name,
    line: source.options.get('command')?.value ?? '',
    ...(read as CommandSettings),
    origin: Object.freeze({ file: source.file, section: source.section }),
  });
}
