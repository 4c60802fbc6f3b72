// `uscmdrelay serve` (the default command): flags → daemon options, then run until SIGTERM.
import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import type { Argv, CommandModule } from 'yargs';
import { takeActivatedSockets } from '../host/index.js';
import { DEFAULT_THROTTLE } from '../relay/index.js';
import { defaultStateDir } from '../relay/jobs/index.js';
import { codes } from '../protocol/index.js';
import { defaultMaxPerAddress, openDaemon, type DaemonOptions } from '../server/index.js';
import { DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_S, loadConfigOrExit } from './config-loading.js';
import { nameDaemonProcess, startLogger } from './log-setup.js';
import { hostUntilStopped } from './hosting.js';
import { startupStep } from './startup.js';
import { envDefault, envName, withDaemonFlags, type DaemonFlags, type GlobalOptions } from './options.js';
import { launcherOrExit, warnIfNativeUnusable, withSpawnOption, type SpawnFlag } from './spawn-option.js';
import { packageVersion } from './version.js';

type ServeOptions = DaemonFlags & SpawnFlag & ServeFlags;

interface ServeFlags {
  host: string;
  port: number;
  'max-request-bytes': number;
  'request-timeout': number;
  'max-connections': number;
  'max-connections-per-address'?: number | undefined;
  'max-buffered-output': number;
  timeout: number;
  'max-output': number;
  'shutdown-grace': number;
  'max-running': number;
  'auth-fail-limit': number;
  'auth-fail-window': number;
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'tls-ca'?: string | undefined;
  'http-port'?: number | undefined;
  'http-host'?: string | undefined;
  'metrics-token'?: string | undefined;
  'state-dir': string;
  'max-jobs': number;
  'job-retention': number;
}

const COUNT_OPTIONS = ['port', 'max-request-bytes', 'request-timeout', 'max-connections', 'max-buffered-output', 'timeout', 'max-output', 'shutdown-grace', 'max-running', 'auth-fail-limit', 'auth-fail-window', 'max-jobs', 'job-retention'] as const;

// Captured output the daemon holds at most, across runs and unsent answers (issue 9).
const DEFAULT_MAX_BUFFERED_OUTPUT = 256 * 1024 * 1024;

function serveOptions(y: Argv<GlobalOptions>): Argv<ServeOptions> {
  const env = (name: string) => ` (env ${envName(name)})`;
  const count = (name: string, describe: string, value: number) => {
    const fromEnv = envDefault(name);
    return { type: 'number' as const, default: fromEnv === undefined ? value : Number(fromEnv), describe: describe + env(name) };
  };
  const text = (name: string, describe: string, value?: string) => ({ type: 'string' as const, default: envDefault(name) ?? value, describe: describe + env(name) });
  return withSpawnOption(withDaemonFlags(y))
    .option('host', text('host', 'address to listen on (0.0.0.0 to expose)', '127.0.0.1'))
    .option('port', count('port', 'TCP port; 0 binds an ephemeral port', 7777))
    .option('max-request-bytes', count('max-request-bytes', `larger request: code ${codes.REQUEST_TOO_LARGE.code}`, 1_048_576))
    .option('request-timeout', count('request-timeout', `seconds for a complete request: else code ${codes.REQUEST_TIMEOUT.code}`, 10))
    .option('max-connections', count('max-connections', `open connections at most; one more: code ${codes.TOO_MANY_CONNECTIONS.code}`, 1024))
    .option('max-connections-per-address', {
      type: 'number',
      default: envDefault('max-connections-per-address') === undefined ? undefined : Number(envDefault('max-connections-per-address')),
      defaultDescription: 'an eighth of --max-connections',
      describe: `open connections from one source address; one more: code ${codes.TOO_MANY_CONNECTIONS.code}` + env('max-connections-per-address'),
    })
    .option('max-buffered-output', count('max-buffered-output', `bytes of captured output held across the daemon (0 = no limit); past it new runs get code ${codes.BUSY.code}`, DEFAULT_MAX_BUFFERED_OUTPUT))
    .option('timeout', count('timeout', 'default command time limit in seconds (0 = none)', DEFAULT_TIMEOUT_S))
    .option('max-output', count('max-output', 'default cap in bytes on captured stdout+stderr', DEFAULT_MAX_OUTPUT))
    .option('shutdown-grace', count('shutdown-grace', 'seconds SIGTERM waits for running commands', 30))
    .option('max-running', count('max-running', `commands running at once across the daemon (0 = unlimited); one more: code ${codes.BUSY.code}`, 0))
    .option('auth-fail-limit', count('auth-fail-limit', `failed authentications per address within the window before code ${codes.THROTTLED.code} (0 = off)`, DEFAULT_THROTTLE.maxFailures))
    .option('auth-fail-window', count('auth-fail-window', 'seconds the failure count of an address lasts', DEFAULT_THROTTLE.windowMs / 1000))
    .option('http-port', { type: 'number', default: envDefault('http-port') === undefined ? undefined : Number(envDefault('http-port')), describe: `open the HTTP door on this port (0 = ephemeral)${env('http-port')}` })
    .option('http-host', text('http-host', 'address of the HTTP door (default: --host)'))
    .option('metrics-token', text('metrics-token', 'GET /metrics requires Authorization: Bearer TOKEN'))
    .option('state-dir', { ...text('state-dir', 'where detached jobs keep their records and output (0700)', defaultStateDir()), defaultDescription: '/var/lib/uscmdrelay as root, else $XDG_STATE_HOME/uscmdrelay or ~/.local/state/uscmdrelay' })
    .option('max-jobs', count('max-jobs', `detached jobs running at once (0 = unlimited); one more: code ${codes.BUSY.code}`, 64))
    .option('job-retention', count('job-retention', 'seconds finished jobs are kept (0 = for ever)', 604_800))
    .option('tls-cert', { ...text('tls-cert', 'serve TLS with this certificate (PEM)'), implies: 'tls-key' })
    .option('tls-key', { ...text('tls-key', 'private key of --tls-cert (PEM)'), implies: 'tls-cert' })
    .option('tls-ca', { ...text('tls-ca', 'require client certificates signed by this CA (mutual TLS)'), implies: 'tls-cert' })
    // A returned string is a usage error: one line on stderr, exit 2.
    .check((argv) => {
      for (const name of COUNT_OPTIONS) {
        const value = argv[name];
        if (!Number.isFinite(value) || value < 0) return `--${name} must be a number ≥ 0${env(name)}`;
      }
      const perAddress = argv['max-connections-per-address'];
      if (perAddress !== undefined && !(Number.isInteger(perAddress) && perAddress >= 1)) {
        return `--max-connections-per-address must be a whole number ≥ 1${env('max-connections-per-address')}`;
      }
      const httpPort = argv['http-port'];
      if (httpPort !== undefined && !(Number.isInteger(httpPort) && httpPort >= 0 && httpPort <= 65535)) return `--http-port must be a port number${env('http-port')}`;
      return true;
    }) as Argv<ServeOptions>;
}

// PEM files are read and checked once at start; a missing or bad one is a start-up error.
function tlsOptions(argv: ServeOptions): TlsOptions | null {
  if (!argv['tls-cert'] || !argv['tls-key']) return null;
  const ca = argv['tls-ca'];
  const options: TlsOptions = {
    cert: readFileSync(argv['tls-cert']),
    key: readFileSync(argv['tls-key']),
    ...(ca ? { ca: readFileSync(ca), requestCert: true, rejectUnauthorized: true } : {}),
  };
  // Throws now on a bad PEM, rather than inside listen(); node:tls is loaded only for TLS.
  process.getBuiltinModule('node:tls').createSecureContext(options);
  return options;
}

export const serveCommand: CommandModule<GlobalOptions, ServeOptions> = {
  command: ['serve', '$0'],
  describe: 'run the daemon',
  builder: serveOptions,
  handler: async (argv) => {
    nameDaemonProcess();
    const launcher = launcherOrExit(argv);
    const snapshot = loadConfigOrExit(argv);
    // Started by a systemd .socket: listen on the passed sockets instead of binding --host/--port.
    // `activated.http` is the HTTP door's socket (FileDescriptorName=http): it opens that door.
    const activated = startupStep('socket activation', () => takeActivatedSockets(process.env));
    const tls = startupStep('TLS', () => tlsOptions(argv));
    const logger = startupStep('--log', () => startLogger(argv));
    warnIfNativeUnusable(logger, launcher);
    const daemon: DaemonOptions = {
      server: {
        host: argv.host,
        port: argv.port,
        fd: activated.tcp,
        maxRequestBytes: argv['max-request-bytes'],
        requestTimeoutMs: argv['request-timeout'] * 1000,
        tls,
      },
      connections: { maxConnections: argv['max-connections'], maxPerAddress: argv['max-connections-per-address'] ?? defaultMaxPerAddress(argv['max-connections']) },
      // The HTTP door opens with --http-port, or on a socket systemd passed as `http`.
      http:
        argv['http-port'] === undefined && activated.http === undefined
          ? null
          : {
              host: argv['http-host'] ?? argv.host,
              port: argv['http-port'] ?? 0,
              fd: activated.http,
              maxRequestBytes: argv['max-request-bytes'],
              requestTimeoutMs: argv['request-timeout'] * 1000,
              metricsToken: argv['metrics-token'] ?? null,
              tls,
            },
      version: packageVersion(),
      relay: {
        maxRunning: argv['max-running'] > 0 ? argv['max-running'] : null,
        maxBufferedOutput: argv['max-buffered-output'] > 0 ? argv['max-buffered-output'] : null,
        launcher,
        throttle: { maxFailures: argv['auth-fail-limit'], windowMs: argv['auth-fail-window'] * 1000 },
      },
      jobs: { stateDir: argv['state-dir'], maxJobs: argv['max-jobs'], retentionMs: argv['job-retention'] * 1000 },
      logger,
    };
    await hostUntilStopped(argv, snapshot, logger, (config) => openDaemon(config, daemon));
  },
};
