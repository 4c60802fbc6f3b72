// Builds the configuration snapshot from auth.conf and relays.conf, or throws every problem at once.
import { AccountDirectory, type AccountFiles } from './accounts.js';
import { authSectionLabel, buildKeyEntries } from './auth-conf.js';
import { ConfigError } from './problems.js';
import { readIniFiles } from './read-ini-files.js';
import { buildClusters } from './relays-conf.js';
import { defaultSearchDirs } from './files.js';
import type { ConfigProblem, ConfigSnapshot, DaemonDefaults } from './types.js';

export interface LoadConfigOptions {
  configDir?: string | undefined; // --config-dir: only DIR/auth.conf and DIR/relays.conf
  defaults: DaemonDefaults;
  searchDirs?: readonly string[]; // without configDir; defaultSearchDirs() when left out
  accountFiles?: AccountFiles; // /etc/passwd and /etc/group unless a test says otherwise
}

// Loads, validates and freezes the configuration; throws ConfigError listing every problem.
export function loadConfigSnapshot(options: LoadConfigOptions): ConfigSnapshot {
  const where = { configDir: options.configDir, searchDirs: options.searchDirs ?? defaultSearchDirs() };
  const problems: ConfigProblem[] = [];

  const auth = readIniFiles('auth.conf', { ...where, mustBePrivate: true });
  problems.push(...auth.problems);
  // A syntax error names its section; in auth.conf that name may be a key, so it goes by its label.
  for (const error of auth.syntaxErrors) {
    problems.push(error.section === undefined ? error : { ...error, section: authSectionLabel(auth.document, error.section) });
  }
  const keys = buildKeyEntries(auth.document);
  problems.push(...keys.problems);

  const relays = readIniFiles('relays.conf', { ...where, mustBePrivate: false });
  problems.push(...relays.problems, ...relays.syntaxErrors);
  const clusters = buildClusters(relays.document, {
    defaults: options.defaults,
    accounts: new AccountDirectory(options.accountFiles),
  });
  problems.push(...clusters.problems);

  if (auth.noConfigFound !== null && relays.noConfigFound !== null) {
    problems.unshift({ message: 'No config found' });
  } else {
    for (const missing of [auth.noConfigFound, relays.noConfigFound]) if (missing !== null) problems.push(missing);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    keys: Object.freeze(keys.keys),
    clusters: clusters.clusters,
    files: Object.freeze([...auth.document.files, ...relays.document.files]),
  });
}
