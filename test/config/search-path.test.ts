// Where configuration files are found (SPEC 3.1): --config-dir alone, or the merged search path.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, defaultSearchDirs, formatProblem, loadConfigSnapshot } from '../../src/config/index.js';
import { DEFAULTS, MINIMAL_AUTH, MINIMAL_RELAYS, problemsOf, tempDir } from './helpers.js';

// Writes a file into dir (creating dir), auth.conf with mode 0600.
function put(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), text);
  if (name === 'auth.conf') chmodSync(join(dir, name), 0o600);
}

test('the default search path is /etc, /etc/opt, then ~/.config', () => {
  assert.deepEqual(defaultSearchDirs(), [
    '/etc/uscmdrelay',
    '/etc/opt/uscmdrelay',
    join(homedir(), '.config', 'uscmdrelay'),
  ]);
});

test('files of every search directory merge in order, later ones key by key', () => {
  const root = tempDir();
  const [etc, opt, home] = ['etc', 'opt', 'home'].map((name) => join(root, name)) as [string, string, string];
  put(etc, 'auth.conf', '[k1]\nauth_clusters = default\n');
  put(etc, 'relays.conf', '[default]\nuptime = /usr/bin/uptime\ndate = date\n');
  put(home, 'auth.conf', '[k1]\nauth_clusters = ops\n[k2]\nauth_clusters = *\n');
  put(opt, 'relays.conf', '[default]\ndate = date +%s\n[ops]\ndf = df -h\n');
  const snapshot = loadConfigSnapshot({ defaults: DEFAULTS, searchDirs: [etc, opt, home] });
  assert.deepEqual(snapshot.files, [
    join(etc, 'auth.conf'),
    join(home, 'auth.conf'),
    join(etc, 'relays.conf'),
    join(opt, 'relays.conf'),
  ]);
  assert.deepEqual(snapshot.keys.map((key) => [key.label.slice(0, 7), key.clusters]), [
    ['sha256:', new Set(['ops'])],
    ['sha256:', '*'],
  ]);
  assert.deepEqual([...(snapshot.clusters.get('default')?.keys() ?? [])], ['uptime', 'date']);
  assert.deepEqual(snapshot.clusters.get('default')?.get('date')?.argv, ['date', '+%s']);
  assert.equal(snapshot.clusters.get('default')?.get('date')?.origin.file, join(opt, 'relays.conf'));
  assert.deepEqual(snapshot.clusters.get('ops')?.get('df')?.argv, ['df', '-h']);
});

test('a duplicate section in one file is an error even when other files are merged', () => {
  const root = tempDir();
  put(root, 'auth.conf', MINIMAL_AUTH);
  put(root, 'relays.conf', '[default]\na = x\n[default]\nb = y\n');
  assert.throws(
    () => loadConfigSnapshot({ defaults: DEFAULTS, searchDirs: [root] }),
    (error: unknown) => error instanceof ConfigError &&
      error.message === `${join(root, 'relays.conf')}:3: [default] duplicate section (first at line 1)`,
  );
});

test('no file anywhere: "No config found"', () => {
  const root = tempDir();
  assert.throws(
    () => loadConfigSnapshot({ defaults: DEFAULTS, searchDirs: [join(root, 'a'), join(root, 'b')] }),
    (error: unknown) => error instanceof ConfigError && error.message === 'No config found',
  );
});

test('files with no section at all: "No config found"', () => {
  const root = tempDir();
  put(root, 'auth.conf', '# nothing yet\n');
  put(root, 'relays.conf', '[DEFAULT]\nx = y\n');
  assert.throws(
    () => loadConfigSnapshot({ defaults: DEFAULTS, searchDirs: [root] }),
    (error: unknown) => error instanceof ConfigError && error.message === 'No config found',
  );
});

test('one kind of file without a section is named', () => {
  const root = tempDir();
  put(root, 'auth.conf', MINIMAL_AUTH);
  assert.throws(
    () => loadConfigSnapshot({ defaults: DEFAULTS, searchDirs: [root] }),
    (error: unknown) => error instanceof ConfigError &&
      error.message === `No config found: no section in ${join(root, 'relays.conf')}`,
  );
});

test('--config-dir reads only that directory, and both files must be there', () => {
  assert.deepEqual(problemsOf(null, MINIMAL_RELAYS), ['DIR/auth.conf: No such file']);
  assert.deepEqual(problemsOf(MINIMAL_AUTH, null), ['DIR/relays.conf: No such file']);
});

test('--config-dir ignores the search path', () => {
  const root = tempDir();
  const dir = join(root, 'dir');
  put(dir, 'auth.conf', MINIMAL_AUTH);
  put(dir, 'relays.conf', MINIMAL_RELAYS);
  put(root, 'relays.conf', '[other]\nx = y\n');
  const snapshot = loadConfigSnapshot({ configDir: dir, defaults: DEFAULTS, searchDirs: [root] });
  assert.deepEqual([...snapshot.clusters.keys()], ['default']);
  assert.deepEqual(snapshot.files, [join(dir, 'auth.conf'), join(dir, 'relays.conf')]);
});

test('a directory where a file should be, and invalid UTF-8, are problems', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'auth.conf'));
  writeFileSync(join(dir, 'relays.conf'), Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0x78, 0x3d, 0xff, 0x0a]));
  try {
    loadConfigSnapshot({ configDir: dir, defaults: DEFAULTS });
    assert.fail('should not load');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(error.problems.map(formatProblem), [
      `${join(dir, 'auth.conf')}: not a regular file`,
      `${join(dir, 'relays.conf')}: not valid UTF-8`,
    ]);
  }
});

test('the snapshot is frozen', () => {
  const dir = tempDir();
  put(dir, 'auth.conf', MINIMAL_AUTH);
  put(dir, 'relays.conf', MINIMAL_RELAYS);
  const snapshot = loadConfigSnapshot({ configDir: dir, defaults: DEFAULTS });
  assert.ok(Object.isFrozen(snapshot));
  assert.ok(Object.isFrozen(snapshot.keys));
  assert.ok(Object.isFrozen(snapshot.keys[0]));
  assert.ok(Object.isFrozen(snapshot.clusters.get('default')?.get('uptime')));
});
