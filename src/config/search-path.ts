// Where the configuration files are looked for (SPEC 3.1).
import { homedir } from 'node:os';
import { join } from 'node:path';

// The directories searched without --config-dir, in the order later ones override earlier ones.
export function defaultSearchDirs(): string[] {
  return ['/etc/uscmdrelay', '/etc/opt/uscmdrelay', join(homedir(), '.config', 'uscmdrelay')];
}

// The candidate paths of one file: DIR/name alone with --config-dir, else one per search directory.
export function candidatePaths(name: string, configDir: string | undefined, searchDirs: readonly string[]): string[] {
  return configDir === undefined ? searchDirs.map((dir) => join(dir, name)) : [join(configDir, name)];
}
