// The README's "Installing" path end to end: `npm pack` the checkout, `npm install -g` the tarball
// into a temporary prefix (the layout /usr/local gets on Debian), configure it from the shipped
// samples, run the installed `uscmdrelay configtest`, and ask a daemon started from the install.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sendRequest, tempDir } from '../helpers/daemon.js';

const REPO = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const manifest: unknown = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : '';
// The installed binary starts with `#!/usr/bin/env node`: this node first on PATH.
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };

function installingSection(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('## Installing\n');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

describe('installing from npm pack', () => {
  it('the README says how', () => {
    const section = installingSection();
    assert.match(section, /^npm ci && npm run build && npm pack\b/m);
    assert.ok(section.includes(`npm install -g ./uscmdrelay-${version}.tgz`), `the README installs uscmdrelay-${version}.tgz`);
    // The service runs the binary where a /usr/local prefix puts it.
    assert.match(readFileSync(join(REPO, 'uscmdrelay.sample.service'), 'utf8'), /^ExecStart=\/usr\/local\/bin\/uscmdrelay /m);
  });

  it('the packed tarball installs with npm install -g, and the installed binary serves', { timeout: 300_000 }, async () => {
    const work = tempDir('uscmdrelay-install-');
    const { stdout: packed } = await run('npm', ['pack', '--pack-destination', work, '--json', '--loglevel=error'], { cwd: REPO, env });
    const [pack] = JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>;
    assert.ok(pack);
    assert.equal(pack.filename, `uscmdrelay-${version}.tgz`);
    const files = pack.files.map((file) => file.path);
    for (const shipped of ['dist/cli/main.js', 'auth.sample.conf', 'relays.sample.conf', 'uscmdrelay.sample.service', 'uscmdrelay.sample.socket']) {
      assert.ok(files.includes(shipped), `${shipped} is in the package`);
    }

    // The dependencies come from the cache `npm ci` filled; the registry only when it lacks one.
    // --ignore-scripts skips the native addon's build (half the time of this test; it never fails
    // an install, and test/native covers it): the installed daemon serves with the portable launcher.
    const prefix = join(work, 'prefix');
    const install = ['install', '-g', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
    await run('npm', [...install, join(work, pack.filename)], { env });
    const bin = join(prefix, 'bin', 'uscmdrelay');
    const installed = join(prefix, 'lib', 'node_modules', 'uscmdrelay');
    assert.ok(existsSync(bin), 'bin/uscmdrelay under the prefix (/usr/local/bin/uscmdrelay for /usr/local)');

    // As the README does: the shipped samples become the configuration.
    const configDir = join(work, 'etc');
    mkdirSync(configDir);
    copyFileSync(join(installed, 'auth.sample.conf'), join(configDir, 'auth.conf'));
    chmodSync(join(configDir, 'auth.conf'), 0o600);
    copyFileSync(join(installed, 'relays.sample.conf'), join(configDir, 'relays.conf'));
    const { stdout: checked } = await run(bin, ['configtest', '--config-dir', configDir], { env });
    assert.equal(checked, 'Config OK\n');

    const daemon = spawn(bin, ['serve', '--port', '0', '--config-dir', configDir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(daemon, 'exit');
    try {
      // The log keeps being read (and dropped) after the listening line.
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: daemon.stdout }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'listening') resolve(entry.port ?? 0);
        });
        void exited.then(() => reject(new Error('the installed daemon exited before listening')));
      });
      assert.ok(port > 0, 'the installed daemon logged its listening line');
      const [answer] = await sendRequest(port, { auth_key: 'demo-key-change-me', command: 'uptime' });
      assert.deepEqual([answer?.code, answer?.exit_code], [0, 0]);
      assert.match(String(answer?.message), /load average/);
    } finally {
      daemon.kill('SIGTERM');
      await exited;
    }
  });
});
