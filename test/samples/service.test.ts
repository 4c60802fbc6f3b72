// uscmdrelay.sample.service: runs the installed binary exposed on 0.0.0.0, restarts on failure,
// drains on stop, and holds no line systemd would misread.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const FILE = join(import.meta.dirname, '..', '..', 'uscmdrelay.sample.service');
const text = readFileSync(FILE, 'utf8');
const settings = text.split('\n').filter((line) => /^[A-Za-z]+=/.test(line));
const value = (name: string) => settings.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);

test('the service runs the installed binary on 0.0.0.0 and restarts on failure', () => {
  assert.match(value('ExecStart') ?? '', /^\/\S+\/uscmdrelay serve --host 0\.0\.0\.0\b/);
  assert.equal(value('Restart'), 'on-failure');
  assert.equal(value('ExecReload'), '/bin/kill -HUP $MAINPID');
  // SIGTERM to the daemon alone, so running commands get --shutdown-grace.
  assert.equal(value('KillMode'), 'mixed');
});

test('sandboxing that would break relayed commands stays off', () => {
  for (const name of ['NoNewPrivileges', 'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'MemoryDenyWriteExecute']) {
    assert.equal(value(name), undefined, `${name} is set`);
  }
  assert.equal(value('ProtectKernelModules'), 'yes');
});

test('no setting carries a trailing comment (systemd would read it as part of the value)', () => {
  for (const line of settings) assert.ok(!line.includes('#'), line);
});

test('systemd-analyze verify accepts it, when systemd is installed', (t) => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
  } catch {
    t.skip('systemd-analyze is not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'uscmdrelay-unit-'));
  const unit = join(dir, 'uscmdrelay.service');
  // verify checks that ExecStart exists; point it at a binary this machine has.
  writeFileSync(unit, text.replace(/^ExecStart=\S+/m, 'ExecStart=/bin/true'));
  const output = execFileSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(output.trim(), '');
});
