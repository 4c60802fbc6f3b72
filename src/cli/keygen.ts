// `uscmdrelay keygen --out FILE` (SPEC 9): a new ed25519 identity; prints its public key, the
// value for `public_key =` in an agent's auth.conf or for a line of an --agents file.
import type { Argv, CommandModule } from 'yargs';
import { EXIT_USAGE, exitWith, writeNewIdentity } from '../fleet/index.js';
import type { GlobalOptions } from './options.js';

interface KeygenFlags extends GlobalOptions {
  out: string;
  force: boolean;
}

export const keygenCommand: CommandModule<GlobalOptions, KeygenFlags> = {
  command: 'keygen',
  describe: 'write a new ed25519 private key (mode 0600) and print its public key',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('out', { type: 'string', demandOption: true, describe: 'private key file to create (PKCS8 PEM)' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite FILE if it exists' }) as Argv<KeygenFlags>,
  handler: (argv) => {
    try {
      process.stdout.write(`${writeNewIdentity(argv.out, argv.force)}\n`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      exitWith(EXIT_USAGE, code === 'EEXIST' ? `${argv.out} exists; --force to overwrite` : (error as Error).message);
    }
  },
};
