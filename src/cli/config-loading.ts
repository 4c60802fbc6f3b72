// Loads the configuration for a CLI command, or prints every problem and exits 2 (SPEC 1).
import { ConfigError, formatProblem, loadConfigSnapshot, type ConfigSnapshot, type DaemonDefaults } from '../config/index.js';
import { exits } from './exits.js';
import type { ConfigDirOption } from './options.js';

export const DEFAULT_TIMEOUT_S = 600;
export const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

export interface DefaultsOptions {
  timeout?: number;
  'max-output'?: number;
  'shell-exec': boolean;
}

// The daemon-wide defaults that per-command options override.
export function daemonDefaults(argv: DefaultsOptions): DaemonDefaults {
  return {
    timeoutMs: Math.round((argv.timeout ?? DEFAULT_TIMEOUT_S) * 1000),
    maxOutput: argv['max-output'] ?? DEFAULT_MAX_OUTPUT,
    shellExec: argv['shell-exec'],
  };
}

// Returns the snapshot, or writes the problems to stderr and exits with status 2.
export function loadConfigOrExit(argv: ConfigDirOption & DefaultsOptions): ConfigSnapshot {
  try {
    return loadConfigSnapshot({ configDir: argv['config-dir'], defaults: daemonDefaults(argv) });
  } catch (error) {
    const lines = error instanceof ConfigError ? error.problems.map(formatProblem) : [String(error)];
    process.stderr.write(`${lines.join('\n')}\n`);
    process.exit(exits.USAGE);
  }
}
