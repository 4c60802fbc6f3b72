// `uscmdrelay agent --nats URL --name NAME` (SPEC 9): the fleet door. Dials out to the broker,
// runs signed requests aimed at NAME down the same core road as `serve`, until SIGTERM; the
// host's lifecycle is the one `serve` has (SIGHUP, drain, sd_notify).
import type { Argv, CommandModule } from 'yargs';
import { agentNameProblem, natsServers, type Identity } from '../fleet/index.js';
import { openAgent } from '../server/nats/index.js';
import { hostUntilStopped } from './hosting.js';
import { nameDaemonProcess, startLogger } from './log-setup.js';
import { codes } from '../protocol/index.js';
import { DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_S, loadConfigOrExit } from './config-loading.js';
import { withDaemonFlags, type DaemonFlags, type GlobalOptions } from './options.js';
import { withBrokerFlags } from './broker-flags.js';
import { defaultStateDir, replicasOrExit, resultRetentionOrExit, withQueueFlags, type QueueFlags } from './queue-flags.js';
import { launcherOrExit, warnIfNativeUnusable, withSpawnOption, type SpawnFlag } from './spawn-option.js';
import { identityOrExit, type BrokerFlags } from './fleet-support.js';
import { exits, exitWith } from './exits.js';

interface AgentFlags extends DaemonFlags, BrokerFlags, QueueFlags, SpawnFlag {
  name: string;
  identity?: string | undefined;
  'allow-skew': number;
  timeout: number;
  'max-output': number;
  'max-running': number;
  'shutdown-grace': number;
  'state-dir': string;
}

function agentOptions(y: Argv<GlobalOptions>): Argv<AgentFlags> {
  return withSpawnOption(withQueueFlags(withBrokerFlags(withDaemonFlags(y)), 'also run requests queued for NAME in JetStream (send --queue); needs --identity'))
    .option('state-dir', { type: 'string', default: defaultStateDir(), describe: 'with --queue: keeps the replay memory (DIR/queue/)' })
    .option('name', { type: 'string', demandOption: true, describe: 'this agent, dot-separated (web1.prod.example)' })
    .option('identity', { type: 'string', describe: 'ed25519 private key that signs acks and replies' })
    .option('allow-skew', { type: 'number', default: 30, describe: 'seconds a request timestamp may differ from this clock' })
    .option('timeout', { type: 'number', default: DEFAULT_TIMEOUT_S, describe: 'default command time limit in seconds (0 = none)' })
    .option('max-output', { type: 'number', default: DEFAULT_MAX_OUTPUT, describe: 'default cap in bytes on captured stdout+stderr' })
    .option('max-running', { type: 'number', default: 0, describe: `commands running at once (0 = unlimited); one more: code ${codes.BUSY.code}` })
    .option('shutdown-grace', { type: 'number', default: 30, describe: 'seconds SIGTERM waits for running commands' });
}

export const agentCommand: CommandModule<GlobalOptions, AgentFlags> = {
  command: 'agent',
  describe: 'run as a fleet agent behind a NATS broker',
  builder: agentOptions,
  handler: async (argv) => {
    nameDaemonProcess();
    // Checked here, with the usage status (2) and one line. (A yargs .check() that returns the
    // sentence would do as well, as serve's does; one that throws it would end in a crash.)
    const problem = agentNameProblem(String(argv.name));
    if (problem !== null) exitWith(exits.USAGE, `--name: ${problem}`);
    for (const name of ['allow-skew', 'timeout', 'max-output', 'max-running', 'shutdown-grace'] as const) {
      const value = argv[name];
      if (!Number.isFinite(value) || value < 0) exitWith(exits.USAGE, `--${name} must be a number ≥ 0`);
    }
    if (argv.queue && argv.identity === undefined) exitWith(exits.USAGE, '--queue needs --identity (the registry holds its public key; it signs the results)');
    const resultRetentionMs = resultRetentionOrExit(argv);
    const replicas = replicasOrExit(argv);
    const launcher = launcherOrExit(argv);
    const snapshot = loadConfigOrExit(argv);
    const logger = startLogger(argv);
    warnIfNativeUnusable(logger, launcher);
    const servers = natsServers(argv.nats);
    if (servers.length === 0) exitWith(exits.USAGE, '--nats: no server URL');
    const identity: Identity | null = argv.identity === undefined ? null : identityOrExit(argv.identity, (warning) => logger.warn(warning));
    const queue = argv.queue && identity !== null ? { identity, stateDir: argv['state-dir'], resultRetentionMs, replicas } : null;
    await hostUntilStopped(argv, snapshot, logger, (config) =>
      openAgent(config, {
        name: argv.name,
        servers,
        credsFile: argv['nats-creds'],
        identity,
        allowSkewMs: argv['allow-skew'] * 1000,
        queue,
        relay: { maxRunning: argv['max-running'] > 0 ? argv['max-running'] : null, launcher },
        logger,
      }),
    );
  },
};
