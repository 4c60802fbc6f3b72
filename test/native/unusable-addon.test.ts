// A built addon the daemon cannot use (built for another Node, damaged, older than the code):
// under `--spawn auto` the daemon runs portable and says why in one warning; `--spawn native`
// exits 2 naming the file and the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startDaemon, tempDir, writeConfig } from '../helpers/daemon.js';
import { AUTH_CONF, ORIGINAL_KEY, RELAYS_CONF } from '../helpers/fixtures.js';

const PACKAGE_ROOT = join(import.meta.dirname, '..', '..');
// The daemon under test must look for its addon: neither turned off nor told to go portable.
const LOOK_FOR_THE_ADDON = { USCMDRELAY_NO_NATIVE_ADDON: '', USCMDRELAY_SPAWN: 'auto' };

// A copy of the built package whose addon is a damaged file; returns its dist/cli/main.js.
function packageWithDamagedAddon(): { cli: string; addon: string } {
  const root = tempDir('uscmdrelay-damaged-addon-');
  cpSync(join(PACKAGE_ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  copyFileSync(join(PACKAGE_ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(root, 'node_modules'));
  mkdirSync(join(root, 'build', 'Release'), { recursive: true });
  const addon = join(root, 'build', 'Release', 'uscmdrelay.node');
  writeFileSync(addon, 'not a shared object\n');
  return { cli: join(root, 'dist', 'cli', 'main.js'), addon };
}

describe('a built addon that cannot be loaded', { skip: process.platform !== 'linux' && 'the addon is Linux only' }, () => {
  const damaged = packageWithDamagedAddon();

  it('leaves serve on the portable launcher, with one warning that names the file and the reason', async () => {
    const daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS_CONF, cli: damaged.cli, env: LOOK_FOR_THE_ADDON });
    try {
      const listening = await daemon.waitForLog((line) => line.msg === 'listening');
      assert.equal(listening.launcher, 'portable');
      const warnings = daemon.logs.filter((line) => line.level === 'warn');
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.match(String(warnings[0]?.msg), /^native launcher unusable: commands start portable; reinstall the package/);
      assert.match(String(warnings[0]?.problem), new RegExp(`^${damaged.addon.replaceAll('/', '\\/')}: .*(too short|invalid ELF)`));
      const answer = await daemon.request({ auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['portable'] });
      assert.deepEqual([answer.at(-1)?.code, answer.at(-1)?.message], [0, 'portable']);
    } finally {
      await daemon.stop();
    }
  });

  it('makes --spawn native a usage error (exit 2) that says why', () => {
    const config = tempDir();
    writeConfig(config, { auth: AUTH_CONF, relays: RELAYS_CONF });
    const run = spawnSync(process.execPath, [damaged.cli, 'serve', '--port', '0', '--config-dir', config, '--spawn', 'native'], {
      env: { ...process.env, ...LOOK_FOR_THE_ADDON },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^--spawn native: the native launcher cannot be used \(.*uscmdrelay\.node: .*\); use --spawn auto or portable\n$/);
  });
});
