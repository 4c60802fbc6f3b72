// Holds the current configuration snapshot and swaps it on reload (SIGHUP, SPEC 6).
import { ConfigError, formatProblem, loadConfigSnapshot, type ConfigSnapshot, type DaemonDefaults } from '../config/index.js';
import type { Logger } from '../log/index.js';

export interface ConfigSource {
  configDir?: string | undefined;
  defaults: DaemonDefaults;
}

export interface ConfigHolder {
  current: () => ConfigSnapshot;
  // Re-reads both files; a bad one leaves the old snapshot in place and logs every problem.
  reload: () => boolean;
}

export function createConfigHolder(source: ConfigSource, initial: ConfigSnapshot, logger: Logger): ConfigHolder {
  let snapshot = initial;
  return {
    current: () => snapshot,
    reload() {
      try {
        snapshot = loadConfigSnapshot(source);
        logger.info({ files: snapshot.files, keys: snapshot.keys.length, clusters: snapshot.clusters.size }, 'configuration reloaded');
        return true;
      } catch (error) {
        const problems = error instanceof ConfigError ? error.problems.map(formatProblem) : [String(error)];
        logger.error({ problems }, 'configuration reload failed; keeping the old configuration');
        return false;
      }
    },
  };
}
