// `uscmdrelay wait NAME [-- command …]` (SPEC 9): block until a signal NAME arrives (exit 0, or
// the command's status), or the timeout passes (exit 1). Only signals sent while waiting count.
import { spawn } from 'node:child_process';
import type { Argv, CommandModule } from 'yargs';
import { readTrustFile, waitForSignal, type SignalEnvelope } from '../fleet/index.js';
import type { GlobalOptions } from './options.js';
import { withBrokerFlags } from './broker-flags.js';
import { connectOrExit, durationOrExit, type BrokerFlags } from './fleet-support.js';
import { exits, exitWith, killedBySignalStatus } from './exits.js';

interface WaitFlags extends GlobalOptions, BrokerFlags {
  name: string;
  command: string[];
  timeout?: string | undefined;
  trust?: string | undefined;
  'allow-skew': number;
}

// Runs the command after `--` with the signal in its environment; resolves with its status.
async function runWithSignal(argv: readonly string[], signal: SignalEnvelope): Promise<number> {
  const [file, ...args] = argv;
  if (file === undefined) return 0;
  const child = spawn(file, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      USCMDRELAY_SIGNAL_NAME: signal.name,
      USCMDRELAY_SIGNAL_MESSAGE: signal.message,
      USCMDRELAY_SIGNAL_SENDER: signal.sender_public_key,
      USCMDRELAY_SIGNAL_TIME: String(signal.ts),
    },
  });
  return await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`uscmdrelay: cannot run ${file}: ${error.message}\n`);
      resolve(exits.COMMAND_NOT_STARTED);
    });
    child.once('exit', (code, killedBy) => resolve(code ?? (killedBy === null ? 128 : killedBySignalStatus(killedBy))));
  });
}

export const waitCommand: CommandModule<GlobalOptions, WaitFlags> = {
  command: 'wait <name> [command..]',
  describe: 'wait for a signal NAME; then exit 0, or run the command given after --',
  builder: (y: Argv<GlobalOptions>) =>
    withBrokerFlags(y)
      .positional('name', { type: 'string', demandOption: true, describe: 'signal name' })
      .positional('command', { type: 'string', array: true, default: [], describe: 'command (after --) run when the signal comes' })
      .option('timeout', { type: 'string', describe: 'give up after DURATION (30, 30s, 5m, 1h2m): exit 1', defaultDescription: 'wait forever' })
      .option('trust', { type: 'string', describe: 'count only signals signed by a key in FILE (lines NAME PUBLIC_KEY)' })
      .option('allow-skew', { type: 'number', default: 30, describe: 'seconds a signal timestamp may differ from this clock' }),
  handler: async (argv) => {
    const timeoutMs = argv.timeout === undefined ? null : durationOrExit('timeout', argv.timeout);
    let trustedKeys: Set<string> | null = null;
    try {
      if (argv.trust !== undefined) trustedKeys = new Set(readTrustFile(argv.trust).values());
    } catch (error) {
      exitWith(exits.USAGE, (error as Error).message);
    }
    const connection = await connectOrExit(argv, 'uscmdrelay wait', exits.BROKER_UNREACHABLE);
    let signal: SignalEnvelope | null;
    try {
      signal = await waitForSignal({
        connection,
        name: String(argv.name),
        timeoutMs,
        allowSkewMs: argv['allow-skew'] * 1000,
        trustedKeys,
        onRejected: (reason) => process.stderr.write(`uscmdrelay: signal ignored: ${reason}\n`),
      });
    } catch (error) {
      await connection.close();
      return exitWith(/signal name/.test((error as Error).message) ? exits.USAGE : exits.BROKER_UNREACHABLE, (error as Error).message);
    }
    await connection.close();
    if (signal === null) process.exit(exits.WAIT_TIMED_OUT);
    // What follows `--` lands in argv._ (after the command name `wait`).
    const command = [...argv.command, ...argv._.slice(1)].map(String);
    if (command.length === 0) {
      process.stdout.write(`${signal.message}\n`);
      process.exit(exits.OK);
    }
    process.exit(await runWithSignal(command, signal));
  },
};
