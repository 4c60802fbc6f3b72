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
  .fail((message, error, y) => {
    if (error) throw error;
    process.stderr.write(`${y.help().toString()}\n\n${message}\n`);
    process.exit(2);
  })
  .parseAsync();
