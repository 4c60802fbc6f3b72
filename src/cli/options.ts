// Options every command takes (SPEC 1), and the helpers commands use to read them.
import type { Argv } from 'yargs';
import { toPinoLevel } from '../log/index.js';

export interface GlobalOptions {
  'config-dir'?: string | undefined;
  log?: string | undefined;
  'log-level': string;
  'shell-exec': boolean;
}

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

export function withGlobalOptions<T>(y: Argv<T>): Argv<T & GlobalOptions> {
  return y
    .option('config-dir', {
      type: 'string',
      describe: 'read only DIR/auth.conf and DIR/relays.conf (env USCMDRELAY_CONFIG_DIR)',
      default: envDefault('config-dir'),
      defaultDescription: 'the search path',
    })
    .option('log', { type: 'string', describe: 'append the JSON log to FILE', defaultDescription: 'standard output' })
    .option('log-level', {
      type: 'string',
      default: 'INFO',
      describe: 'DEBUG INFO WARNING ERROR CRITICAL (any case; warn, fatal too)',
      coerce: (value: string) => {
        if (toPinoLevel(value) === null) throw new Error(`Invalid --log-level: ${value}`);
        return value;
      },
    })
    .option('shell-exec', { type: 'boolean', default: false, describe: 'run configured command lines through /bin/sh -c' }) as Argv<
    T & GlobalOptions
  >;
}
