#!/usr/bin/env node
// The uscmdrelay command line (yargs): `serve` is the default command.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands.js';
import { withGlobalOptions } from './options.js';
import { packageVersion } from './version.js';

await withGlobalOptions(yargs(hideBin(process.argv)))
  .scriptName('uscmdrelay')
  .parserConfiguration({ 'duplicate-arguments-array': false })
  .env('USCMDRELAY')
  .command(commands)
  .strict()
  .version(packageVersion())
  .help()
  .wrap(Math.min(110, process.stdout.columns ?? 110))
  // Usage mistakes (bad flags, bad values: yargs reports them as YError) exit 2 with the help;
  // anything else is a bug and keeps its stack.
  .fail((message, error) => {
    if (error && error.name !== 'YError') throw error;
    process.stderr.write(`uscmdrelay: ${message || error?.message}\nRun uscmdrelay --help for usage.\n`);
    process.exit(2);
  })
  .parseAsync();
