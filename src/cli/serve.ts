// `uscmdrelay serve` (the default command): flags → daemon options, then run until SIGTERM.
import { readFileSync } from 'node:fs';
import { createSecureContext, type TlsOptions } from 'node:tls';
import type { Argv, CommandModule } from 'yargs';
import { runDaemon, StartupError } from '../daemon/index.js';
import { drainLogger } from '../log/index.js';
import { daemonDefaults, DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_S, loadConfigOrExit } from './config-loading.js';
import { nameDaemonProcess, startLogger } from './log-setup.js';
import { startupFailure, startupStep } from './startup.js';
import { envDefault, envName, withDaemonFlags, type DaemonFlags, type GlobalOptions } from './options.js';

type ServeOptions = DaemonFlags & ServeFlags;

interface ServeFlags {
  host: string;
  port: number;
  'max-request-bytes': number;
  'request-timeout': number;
  'max-connections': number;
  timeout: number;
  'max-output': number;
  'shutdown-grace': number;
  'max-running': number;
  'auth-fail-limit': number;
  'auth-fail-window': number;
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'tls-ca'?: string | undefined;
}

const COUNT_OPTIONS = ['port', 'max-request-bytes', 'request-timeout', 'max-connections', 'timeout', 'max-output', 'shutdown-grace', 'max-running', 'auth-fail-limit', 'auth-fail-window'] as const;

function serveOptions(y: Argv<GlobalOptions>): Argv<ServeOptions> {
  const env = (name: string) => ` (env ${envName(name)})`;
  const count = (name: string, describe: string, value: number) => {
    const fromEnv = envDefault(name);
    return { type: 'number' as const, default: fromEnv === undefined ? value : Number(fromEnv), describe: describe + env(name) };
  };
  const text = (name: string, describe: string, value?: string) => ({ type: 'string' as const, default: envDefault(name) ?? value, describe: describe + env(name) });
  return withDaemonFlags(y)
    .option('host', text('host', 'address to listen on (0.0.0.0 to expose)', '127.0.0.1'))
    .option('port', count('port', 'TCP port; 0 binds an ephemeral port', 7777))
    .option('max-request-bytes', count('max-request-bytes', 'larger request: code 2003', 1_048_576))
    .option('request-timeout', count('request-timeout', 'seconds for a complete request: else code 2005', 10))
    .option('max-connections', count('max-connections', 'open connections at most; one more: code 9001', 1024))
    .option('timeout', count('timeout', 'default command time limit in seconds (0 = none)', DEFAULT_TIMEOUT_S))
    .option('max-output', count('max-output', 'default cap in bytes on captured stdout+stderr', DEFAULT_MAX_OUTPUT))
    .option('shutdown-grace', count('shutdown-grace', 'seconds SIGTERM waits for running commands', 30))
    .option('max-running', count('max-running', 'commands running at once across the daemon (0 = unlimited); one more: code 3005', 0))
    .option('auth-fail-limit', count('auth-fail-limit', 'failed authentications per address within the window before code 1002 (0 = off)', 10))
    .option('auth-fail-window', count('auth-fail-window', 'seconds the failure count of an address lasts', 60))
    .option('tls-cert', { ...text('tls-cert', 'serve TLS with this certificate (PEM)'), implies: 'tls-key' })
    .option('tls-key', { ...text('tls-key', 'private key of --tls-cert (PEM)'), implies: 'tls-cert' })
    .option('tls-ca', { ...text('tls-ca', 'require client certificates signed by this CA (mutual TLS)'), implies: 'tls-cert' })
    // A returned string is a usage error: one line on stderr, exit 2.
    .check((argv) => {
      for (const name of COUNT_OPTIONS) {
        const value = argv[name];
        if (!Number.isFinite(value) || value < 0) return `--${name} must be a number ≥ 0${env(name)}`;
      }
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
  createSecureContext(options); // throws now on a bad PEM, rather than inside listen()
  return options;
}

export const serveCommand: CommandModule<GlobalOptions, ServeOptions> = {
  command: ['serve', '$0'],
  describe: 'run the daemon',
  builder: serveOptions,
  handler: async (argv) => {
    nameDaemonProcess();
    const snapshot = loadConfigOrExit(argv);
    const tls = startupStep('TLS', () => tlsOptions(argv));
    const logger = startupStep('--log', () => startLogger(argv));
    await runDaemon({
      config: { configDir: argv['config-dir'], defaults: daemonDefaults(argv) },
      snapshot,
      server: {
        host: argv.host,
        port: argv.port,
        maxConnections: argv['max-connections'],
        maxRequestBytes: argv['max-request-bytes'],
        requestTimeoutMs: argv['request-timeout'] * 1000,
        tls,
      },
      relay: {
        maxRunning: argv['max-running'] > 0 ? argv['max-running'] : null,
        throttle: { maxFailures: argv['auth-fail-limit'], windowMs: argv['auth-fail-window'] * 1000 },
      },
      shutdownGraceMs: argv['shutdown-grace'] * 1000,
      logger,
    }).catch((error: unknown) => {
      if (error instanceof StartupError) startupFailure(error.message);
      throw error;
    });
    await drainLogger(logger);
    process.exit(0);
  },
};
