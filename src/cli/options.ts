// Option groups (SPEC 1), each added only by the commands that use it, so every command's --help
// lists its own options; and the helpers commands use to read them.
import type { Argv } from 'yargs';
import { DEFAULT_LOG_FORMAT, logFormats, toPinoLevel, type LogFormat } from '../log/index.js';

// What every command gets from the top level: nothing but --help and --version.
export type GlobalOptions = Record<never, never>;

// The configuration's place (serve, configtest, agent, key).
export interface ConfigDirOption {
  'config-dir'?: string | undefined;
}

// How configured command lines run (serve, configtest, agent).
export interface ShellExecOption {
  'shell-exec': boolean;
}

// The log (serve, agent, configtest).
export interface LogOptions {
  log?: string | undefined;
  'log-level': string;
  'log-format': LogFormat;
}

export type DaemonFlags = ConfigDirOption & ShellExecOption & LogOptions;

// SPEC 1: every serve option is also read from USCMDRELAY_<NAME> (`--max-output` from
// USCMDRELAY_MAX_OUTPUT). Read per option rather than with yargs' `.env('USCMDRELAY')`, which
// would turn any USCMDRELAY_* variable (the client's USCMDRELAY_KEY) into an unknown flag.
export function envName(option: string): string {
  return `USCMDRELAY_${option.toUpperCase().replaceAll('-', '_')}`;
}

// The option's value from its variable; unset or empty is no value.
export function envDefault(option: string): string | undefined {
  const value = process.env[envName(option)];
  return value === '' ? undefined : value;
}

export function withConfigDir<T>(y: Argv<T>): Argv<T & ConfigDirOption> {
  return y.option('config-dir', {
    type: 'string',
    describe: 'read only DIR/auth.conf and DIR/relays.conf (env USCMDRELAY_CONFIG_DIR)',
    default: envDefault('config-dir'),
    defaultDescription: 'the search path',
  });
}

function withLogOptions<T>(y: Argv<T>): Argv<T & LogOptions> {
  return y
    .option('log', { type: 'string', describe: 'append the log to FILE (reopened on SIGHUP)', defaultDescription: 'standard output' })
    .option('log-level', {
      type: 'string',
      default: 'INFO',
      describe: 'DEBUG INFO WARNING ERROR CRITICAL (any case; warn, fatal too)',
      coerce: (value: string) => {
        if (toPinoLevel(value) === null) throw new Error(`Invalid --log-level: ${value}`);
        return value;
      },
    })
    .option('log-format', {
      choices: logFormats,
      default: DEFAULT_LOG_FORMAT,
      describe: 'json lines, pretty text (pino-pretty), or auto: pretty on a terminal',
    });
}

// The options of the commands that load the configuration and log (serve, agent, configtest).
export function withDaemonFlags<T>(y: Argv<T>): Argv<T & DaemonFlags> {
  return withLogOptions(withConfigDir(y)).option('shell-exec', {
    type: 'boolean',
    default: false,
    describe: 'run configured command lines through /bin/sh -c',
  });
}
