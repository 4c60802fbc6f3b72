// `uscmdrelay configtest`: check the configuration, print "Config OK" or every problem (exit 2).
import type { CommandModule } from 'yargs';
import { loadConfigOrExit, type DefaultsOptions } from './config-loading.js';
import type { GlobalOptions } from './options.js';

export const configtestCommand: CommandModule<GlobalOptions, GlobalOptions & DefaultsOptions> = {
  command: 'configtest',
  describe: 'check the configuration: exit 0 and print "Config OK", or exit 2 and print every problem',
  handler: (argv) => {
    loadConfigOrExit(argv);
    process.stdout.write('Config OK\n');
  },
};
