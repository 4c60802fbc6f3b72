#!/usr/bin/env node
// The uscmdrelay command line (yargs): `serve` is the default command.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { withCommands } from './commands.js';
import { exits } from './exits.js';
import { packageVersion } from './version.js';

const args = hideBin(process.argv);
const cli = await withCommands(yargs(args), args);
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
