// `--spawn auto|native|portable` of `serve` and `agent` (SPEC 1, 5.5), also as USCMDRELAY_SPAWN.
import type { Argv } from 'yargs';
import { isSpawnMode, resolveLauncher, SPAWN_MODES, unusableNativeAddon, type Launcher } from '../exec/index.js';
import type { Logger } from '../log/index.js';
import { exits } from './exits.js';
import { envDefault, envName } from './options.js';

export interface SpawnFlag {
  spawn: string;
}

export function withSpawnOption<T>(y: Argv<T>): Argv<T & SpawnFlag> {
  return y.option('spawn', {
    type: 'string',
    default: envDefault('spawn') ?? 'auto',
    describe: `how commands are started: ${SPAWN_MODES.join(', ')} (env ${envName('spawn')})`,
  });
}

// The launcher --spawn asks for; one line on stderr and exit 2 when it cannot be had.
export function launcherOrExit(argv: SpawnFlag): Launcher {
  const mode = argv.spawn;
  if (!isSpawnMode(mode)) return exitUsage(`--spawn must be one of ${SPAWN_MODES.join(', ')}, not ${mode}`);
  const launcher = resolveLauncher(mode);
  return launcher instanceof Error ? exitUsage(launcher.message) : launcher;
}

function exitUsage(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(exits.USAGE);
}

// A daemon on the portable launcher although an addon was built: one warning says why, so the
// listening line's `"launcher":"portable"` does not stay a puzzle.
export function warnIfNativeUnusable(logger: Logger, launcher: Launcher): void {
  const problem = unusableNativeAddon(launcher);
  if (problem !== null) logger.warn({ problem }, 'native launcher unusable: commands start portable; reinstall the package (or npm rebuild uscmdrelay) to rebuild it');
}
