// `uscmdrelay send --to PATTERN <cluster::command> [args…]` (SPEC 9): one signed request to
// every matching agent, one row per agent, exit 0 only if all that answered succeeded.
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_ACK_WAIT_MS, DEFAULT_OUTPUT_FORMAT, formatRows, OUTPUT_FORMATS, readTrustFile, sendFleetRequest, targetPatternProblem, type FleetRequest, type OutputFormat } from '../fleet/index.js';
import type { GlobalOptions } from './options.js';
import { withBrokerFlags } from './broker-flags.js';
import { replicasOrExit, resultRetentionOrExit, withQueueFlags, type QueueFlags } from './queue-flags.js';
import { expireOrExit, sendQueued } from './send-queue.js';
import { connectOrExit, durationOrExit, identityOrExit, type BrokerFlags } from './fleet-support.js';
import { exits, exitWith, sendExitStatus } from './exits.js';

interface SendFlags extends GlobalOptions, BrokerFlags, QueueFlags {
  command: string;
  args: string[];
  to: string;
  identity: string;
  timeout: string;
  'ack-wait': string;
  expect?: number | undefined;
  agents?: string | undefined;
  format: OutputFormat;
  id?: string | undefined;
  expire?: string | undefined;
}

export const sendCommand: CommandModule<GlobalOptions, SendFlags> = {
  command: 'send <command> [args..]',
  describe: 'run <cluster::command> on every fleet agent matching --to; one row per agent',
  builder: (y: Argv<GlobalOptions>) =>
    withQueueFlags(withBrokerFlags(y), 'store the request in JetStream for each registered agent --to aims at; print its id (see results)')
      .option('expire', { type: 'string', describe: 'with --queue: not started by then, never run', defaultDescription: '24h' })
      .positional('command', { type: 'string', demandOption: true, describe: 'name or cluster::name' })
      .positional('args', { type: 'string', array: true, default: [], describe: 'arguments (put -- before any that start with -)' })
      .option('to', { type: 'string', demandOption: true, describe: 'agent name, or pattern with * (one segment), ** (last: the rest), or ALL' })
      .option('identity', { type: 'string', demandOption: true, describe: 'ed25519 private key that signs the request' })
      .option('timeout', { type: 'string', default: '30', describe: 'wait at most DURATION for answers (seconds, or 30s, 2m)' })
      .option('ack-wait', { type: 'string', default: String(DEFAULT_ACK_WAIT_MS / 1000), describe: 'how long acknowledgements are awaited' })
      .option('expect', { type: 'number', describe: 'stop at N answers instead of waiting for every acknowledged agent' })
      .option('agents', { type: 'string', describe: 'FILE of "NAME PUBLIC_KEY" lines: verify replies, drop forged ones, report silent agents' })
      .option('format', { choices: OUTPUT_FORMATS, default: DEFAULT_OUTPUT_FORMAT, describe: 'output' })
      .option('id', { type: 'string', describe: 'request id, echoed in every answer' }),
  handler: async (argv) => {
    // Checked here, with the usage status (2) and one line. (A yargs .check() that returns the
    // sentence would do as well, as serve's does; one that throws it would end in a crash.)
    const problem = targetPatternProblem(String(argv.to));
    if (problem !== null) exitWith(exits.USAGE, `--to: ${problem}`);
    if (argv.expect !== undefined && (!Number.isInteger(argv.expect) || argv.expect < 1)) exitWith(exits.USAGE, '--expect must be a whole number ≥ 1');
    if (argv.queue && argv.expect !== undefined) exitWith(exits.USAGE, '--expect does not apply to --queue (see uscmdrelay results --wait)');
    if (!argv.queue && argv.expire !== undefined) exitWith(exits.USAGE, '--expire needs --queue');
    const resultRetentionMs = resultRetentionOrExit(argv);
    const replicas = replicasOrExit(argv);
    if (argv.queue) expireOrExit(argv.expire);
    const timeoutMs = durationOrExit('timeout', argv.timeout);
    const ackWaitMs = durationOrExit('ack-wait', argv['ack-wait']);
    const warn = (message: string): void => void process.stderr.write(`uscmdrelay: ${message}\n`);
    const identity = identityOrExit(argv.identity, warn);
    let trusted: Map<string, string> | null = null;
    try {
      if (argv.agents !== undefined) trusted = readTrustFile(argv.agents);
    } catch (error) {
      exitWith(exits.USAGE, (error as Error).message);
    }
    // Arguments after `--` land in argv._ (after the command name `send`).
    const args = [...argv.args, ...argv._.slice(1)].map(String);
    const request: FleetRequest = { command: argv.command, arguments: args };
    if (argv.id !== undefined) request.id = argv.id;
    const connection = await connectOrExit(argv, 'uscmdrelay send', exits.USAGE);
    if (argv.queue) {
      const status = await sendQueued({ connection, identity, to: argv.to, request, expire: argv.expire, resultRetentionMs, replicas, format: argv.format });
      await connection.close();
      process.exit(status);
    }
    const result = await sendFleetRequest({
      connection,
      identity,
      to: argv.to,
      request,
      timeoutMs,
      ackWaitMs,
      expect: argv.expect ?? null,
      trusted,
      onDropped: (agent, reason) => warn(`dropped a reply from ${agent}: ${reason}`),
    });
    await connection.close();
    if (result.stillRunning.length > 0) warn(`--expect met; still running, not waited for: ${result.stillRunning.join(' ')}`);
    // Agents drop requests from a signer they do not know without a word (SPEC 9), so silence
    // is the only sign: say what to check.
    if (result.rows.every((row) => row.state === 'missing')) {
      warn(
        `no agent answered. Check that agents matching ${argv.to} are running, and that each has this identity's public key ` +
          `(${identity.publicKey}; uscmdrelay keygen --public ${argv.identity}) as public_key in its auth.conf`,
      );
    }
    process.stdout.write(formatRows(result.rows, argv.format));
    process.exit(sendExitStatus(result.rows, argv.expect ?? null));
  },
};
