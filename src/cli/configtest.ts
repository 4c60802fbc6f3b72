// `uscmdrelay configtest`: check the configuration, print "Config OK" or every problem (exit 2).
// With --verbose it also says what the daemon will do differently from what the line shows.
import type { Argv, CommandModule } from 'yargs';
import { namesPositionalParameter, type ConfigSnapshot } from '../config/index.js';
import { loadConfigOrExit, type DefaultsOptions } from './config-loading.js';
import { withDaemonFlags, type DaemonFlags, type GlobalOptions } from './options.js';

type ConfigtestFlags = DaemonFlags & DefaultsOptions & { verbose: boolean };

// Notes for --verbose, one a line: shell-mode lines that get `"$@"` appended (SPEC 5.3).
export function configNotes(snapshot: ConfigSnapshot): string[] {
  const notes: string[] = [];
  for (const [cluster, commands] of snapshot.clusters) {
    for (const [name, spec] of commands) {
      if (spec.shell && !namesPositionalParameter(spec.line)) {
        notes.push(`${spec.origin.file}: [${spec.origin.section}] ${cluster}::${name}: shell line names no positional parameter; client arguments are appended as "$@"`);
      }
    }
  }
  return notes;
}

export const configtestCommand: CommandModule<GlobalOptions, ConfigtestFlags> = {
  command: 'configtest',
  describe: 'check the configuration: exit 0 and print "Config OK", or exit 2 and print every problem',
  builder: (y: Argv<GlobalOptions>) =>
    withDaemonFlags(y).option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'also print notes on how lines will run' }),
  handler: (argv) => {
    const snapshot = loadConfigOrExit(argv);
    if (argv.verbose) for (const note of configNotes(snapshot)) process.stdout.write(`${note}\n`);
    process.stdout.write('Config OK\n');
  },
};
