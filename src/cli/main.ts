#!/usr/bin/env node
// The uscmdrelay command line (yargs): `serve` is the default command.
import { withCommands } from './commands.js';
import { exits } from './exits.js';
import { packageVersion } from './version.js';
import { hideBin, yargs } from './yargs.js';

const args = hideBin(process.argv);
const cli = await withCommands(yargs(args), args);
skipHelpCache(cli);
await cli
  .scriptName('uscmdrelay')
  .parserConfiguration({ 'duplicate-arguments-array': false })
  .strict()
  .version(packageVersion())
  // bash by default; zsh when $SHELL is zsh (yargs decides from the environment).
  .completion('completion', 'print the shell completion script (bash, or zsh when $SHELL is zsh)')
  .help()
  .alias('help', 'h')
  .wrap(Math.min(110, process.stdout.columns ?? 110))
  // Usage mistakes exit 2 with one line: yargs reports its own as YError, and a `.check()` that
  // returns a sentence passes that string. Any other Error is a bug and keeps its stack.
  .fail((message, error: unknown) => {
    if (error instanceof Error && error.name !== 'YError') throw error;
    process.stderr.write(`uscmdrelay: ${message || String(error)}\nRun uscmdrelay --help for usage.\n`);
    process.exit(exits.USAGE);
  })
  .parseAsync();

// After starting a named command, yargs renders the whole help text and keeps it for a failure
// message (its usage instance's cacheHelpMessage). Our .fail() above never prints it, and for
// `serve` the rendering (the widths of some forty options) cost 60-100 ms of CPU before the
// daemon listened. yargs has no option for it, hence its internal method; if a later yargs no
// longer has it, nothing changes but the start-up time.
function skipHelpCache(instance: object): void {
  const internal = (instance as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
