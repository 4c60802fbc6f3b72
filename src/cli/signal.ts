// `uscmdrelay signal NAME [message]` (SPEC 9): publish one signed event to whoever waits on NAME.
import type { Argv, CommandModule } from 'yargs';
import { publishSignal } from '../fleet/index.js';
import type { GlobalOptions } from './options.js';
import { withBrokerFlags } from './broker-flags.js';
import { connectOrExit, identityOrExit, type BrokerFlags } from './fleet-support.js';
import { exits, exitWith } from './exits.js';

interface SignalFlags extends GlobalOptions, BrokerFlags {
  identity: string;
  name: string;
  message: string[];
}

export const signalCommand: CommandModule<GlobalOptions, SignalFlags> = {
  command: 'signal <name> [message..]',
  describe: 'publish a signed signal NAME (with an optional message) to every current waiter',
  builder: (y: Argv<GlobalOptions>) =>
    withBrokerFlags(y)
      .positional('name', { type: 'string', demandOption: true, describe: 'signal name (dot-separated segments)' })
      .positional('message', { type: 'string', array: true, default: [], describe: 'message, given to waiters' })
      .option('identity', { type: 'string', demandOption: true, describe: 'ed25519 private key that signs the signal' }),
  handler: async (argv) => {
    const identity = identityOrExit(argv.identity, (warning) => process.stderr.write(`uscmdrelay: ${warning}\n`));
    const connection = await connectOrExit(argv, 'uscmdrelay signal', exits.BROKER_UNREACHABLE);
    try {
      await publishSignal(connection, identity, String(argv.name), argv.message.map(String).join(' '));
    } catch (error) {
      exitWith(/signal name/.test((error as Error).message) ? exits.USAGE : exits.BROKER_UNREACHABLE, (error as Error).message);
    } finally {
      await connection.close();
    }
  },
};
