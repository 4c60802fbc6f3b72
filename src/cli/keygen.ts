// `uscmdrelay keygen --out FILE` (SPEC 9): a new ed25519 identity; prints its public key, the
// value for `public_key =` in an agent's auth.conf. `--public FILE` prints the public key of an
// identity that exists; `--name NAME` prints the `NAME PUBLIC_KEY` line of an --agents file.
import type { Argv, CommandModule } from 'yargs';
import { agentNameProblem, writeNewIdentity } from '../fleet/index.js';
import type { GlobalOptions } from './options.js';
import { identityOrExit } from './fleet-support.js';
import { exits, exitWith } from './exits.js';

interface KeygenFlags {
  out?: string | undefined;
  public?: string | undefined;
  name?: string | undefined;
  force: boolean;
}

export const keygenCommand: CommandModule<GlobalOptions, KeygenFlags> = {
  command: 'keygen',
  describe: 'write a new ed25519 private key (mode 0600) and print its public key; or print the public key of one',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('out', { type: 'string', describe: 'private key file to create (PKCS8 PEM)' })
      .option('public', { type: 'string', describe: 'print the public key of this existing private key file instead' })
      .option('name', { type: 'string', describe: 'print "NAME PUBLIC_KEY", a line of a send --agents file' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite --out FILE if it exists' })
      .conflicts('out', 'public'),
  handler: (argv) => {
    if (argv.name !== undefined) {
      const problem = agentNameProblem(argv.name);
      if (problem !== null) exitWith(exits.USAGE, `--name: ${problem}`);
    }
    const line = (publicKey: string) => process.stdout.write(argv.name === undefined ? `${publicKey}\n` : `${argv.name} ${publicKey}\n`);
    if (argv.public !== undefined) {
      line(identityOrExit(argv.public, (warning) => void process.stderr.write(`uscmdrelay: ${warning}\n`)).publicKey);
      return;
    }
    if (argv.out === undefined) exitWith(exits.USAGE, 'say --out FILE (a new identity) or --public FILE (an existing one)');
    try {
      line(writeNewIdentity(argv.out, argv.force));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      exitWith(exits.USAGE, code === 'EEXIST' ? `${argv.out} exists; --force to overwrite` : (error as Error).message);
    }
  },
};
