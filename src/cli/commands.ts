// Every subcommand of the uscmdrelay CLI, in the order --help lists them.
// Each file under src/cli/ exports one yargs CommandModule; add new ones here.
//
// A command's module (and what it imports: NATS for the fleet commands, execa, fastify...) is
// loaded only when the command line may name it: a daemon does not carry the client's or the
// fleet's code in memory (SPEC 5.5 / the idle RSS of the bench). --help and completion load all.
import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from './options.js';

// yargs' command modules differ in their option types; here they are only registered.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<GlobalOptions, any>;

interface CommandEntry {
  names: readonly string[]; // the words that select it (the first word of each yargs command)
  load(): Promise<readonly AnyCommand[]>;
}

const COMMANDS: readonly CommandEntry[] = [
  { names: ['serve'], load: async () => [(await import('./serve.js')).serveCommand] },
  { names: ['configtest'], load: async () => [(await import('./configtest.js')).configtestCommand] },
  { names: ['call'], load: async () => [(await import('./call.js')).callCommand] },
  { names: ['list'], load: async () => [(await import('./list.js')).listCommand] },
  {
    names: ['job', 'jobs'],
    load: async () => {
      const module = await import('./job.js');
      return [module.jobCommand, module.jobsCommand];
    },
  },
  { names: ['key'], load: async () => [(await import('./key.js')).keyCommand] },
  { names: ['agent'], load: async () => [(await import('./agent.js')).agentCommand] },
  { names: ['send'], load: async () => [(await import('./send.js')).sendCommand] },
  { names: ['signal'], load: async () => [(await import('./signal.js')).signalCommand] },
  { names: ['wait'], load: async () => [(await import('./wait.js')).waitCommand] },
  { names: ['results'], load: async () => [(await import('./results.js')).resultsCommand] },
  { names: ['agents'], load: async () => [(await import('./agents.js')).agentsCommand] },
  { names: ['keygen'], load: async () => [(await import('./keygen.js')).keygenCommand] },
];

const DEFAULT_COMMAND = 'serve'; // `$0`: what runs when no command is named

// The entries the arguments may select: every entry one of whose names appears as a word (an
// option's value that happens to be a command name only loads one module more); the default
// command when none does; all of them for --help or completion without a command.
function selectedEntries(args: readonly string[]): readonly CommandEntry[] {
  const words = new Set(args);
  const named = COMMANDS.filter((entry) => entry.names.some((name) => words.has(name)));
  if (words.has('completion') || words.has('--get-yargs-completions')) return COMMANDS;
  if (named.length > 0) return named;
  if (words.has('--help') || words.has('-h')) return COMMANDS;
  return COMMANDS.filter((entry) => entry.names.includes(DEFAULT_COMMAND));
}

// Registers the commands the arguments may need, in the order of COMMANDS.
export async function withCommands(y: Argv<GlobalOptions>, args: readonly string[]): Promise<Argv<GlobalOptions>> {
  const modules = await Promise.all(selectedEntries(args).map((entry) => entry.load()));
  for (const command of modules.flat()) y = y.command(command);
  return y;
}
