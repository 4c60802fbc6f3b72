// Which auth.conf the key tool reads and writes (SPEC 3.1).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { candidatePaths, defaultSearchDirs } from '../config/index.js';

const AUTH_CONF = 'auth.conf';

// Every auth.conf the daemon would read, existing or not: DIR/auth.conf, or one per search dir.
export function authFileCandidates(configDir: string | undefined): string[] {
  return candidatePaths(AUTH_CONF, configDir, defaultSearchDirs());
}

// Where `key new` writes: DIR/auth.conf, else the first existing file of the search path, else
// the user's own ~/.config/uscmdrelay/auth.conf (created).
export function authFileToWrite(configDir: string | undefined): string {
  if (configDir !== undefined) return join(configDir, AUTH_CONF);
  return authFileCandidates(undefined).find((file) => existsSync(file)) ?? join(homedir(), '.config', 'uscmdrelay', AUTH_CONF);
}
