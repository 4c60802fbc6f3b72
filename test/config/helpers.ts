// Shared set-up for the config tests: temporary config directories and loading them.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatProblem, loadConfigSnapshot, type ConfigSnapshot, type DaemonDefaults } from '../../src/config/index.js';
import { tempDir } from '../helpers/daemon.js';

export const DEFAULTS: DaemonDefaults = { timeoutMs: 600_000, maxOutput: 16 * 1024 * 1024, shellExec: false };
export const MINIMAL_AUTH = '[k]\nauth_clusters = *\n';
export const MINIMAL_RELAYS = '[default]\nuptime = /usr/bin/uptime\n';

// A fresh temporary directory, removed when the test process exits.
export { tempDir };

// A config dir holding the given files (null = leave the file out); auth.conf gets mode 0600.
export function configDir(auth: string | null, relays: string | null): string {
  const dir = tempDir();
  if (auth !== null) {
    writeFileSync(join(dir, 'auth.conf'), auth);
    chmodSync(join(dir, 'auth.conf'), 0o600);
  }
  if (relays !== null) writeFileSync(join(dir, 'relays.conf'), relays);
  return dir;
}

// Loads a config dir that must be valid.
export function load(auth: string, relays: string, defaults: DaemonDefaults = DEFAULTS): ConfigSnapshot {
  return loadConfigSnapshot({ configDir: configDir(auth, relays), defaults });
}

// The formatted problems of loading a config dir that must be invalid, with the dir shown as DIR.
export function problemsOf(auth: string | null, relays: string | null, defaults: DaemonDefaults = DEFAULTS): string[] {
  const dir = configDir(auth, relays);
  try {
    loadConfigSnapshot({ configDir: dir, defaults });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.message, error.problems.map(formatProblem).join('\n'));
    return error.problems.map((problem) => formatProblem(problem).replaceAll(dir, 'DIR'));
  }
  assert.fail('the configuration loaded, but problems were expected');
}
