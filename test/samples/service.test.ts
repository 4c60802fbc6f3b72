// uscmdrelay.sample.service (+ .socket): runs the installed binary exposed on 0.0.0.0, says when
// it is ready (Type=notify), restarts on failure, drains on stop, and holds no line systemd would
// misread; the socket unit hands it port 7777 named `tcp`.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/daemon.js';

const ROOT = join(import.meta.dirname, '..', '..');
const text = readFileSync(join(ROOT, 'uscmdrelay.sample.service'), 'utf8');
const socketText = readFileSync(join(ROOT, 'uscmdrelay.sample.socket'), 'utf8');
const settingsOf = (unit: string) => unit.split('\n').filter((line) => /^[A-Za-z]+=/.test(line));
const settings = settingsOf(text);
const socketSettings = settingsOf(socketText);
const valueIn = (lines: string[], name: string) => lines.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);
const value = (name: string) => valueIn(settings, name);

test('the service runs the installed binary on 0.0.0.0 and restarts on failure', () => {
  assert.match(value('ExecStart') ?? '', /^\/\S+\/uscmdrelay serve --host 0\.0\.0\.0\b/);
  assert.equal(value('Restart'), 'on-failure');
  assert.equal(value('ExecReload'), '/bin/kill -HUP $MAINPID');
  // SIGTERM to the daemon alone, so running commands get --shutdown-grace.
  assert.equal(value('KillMode'), 'mixed');
});

test('the service is Type=notify, accepts the systemd-notify fallback, and has a watchdog', () => {
  assert.equal(value('Type'), 'notify');
  assert.equal(value('NotifyAccess'), 'all');
  assert.match(value('WatchdogSec') ?? '', /^\d+s$/);
});

test('the socket unit passes 0.0.0.0:7777 to uscmdrelay.service under the name tcp, and ships in the package', () => {
  assert.equal(valueIn(socketSettings, 'ListenStream'), '0.0.0.0:7777');
  assert.equal(valueIn(socketSettings, 'FileDescriptorName'), 'tcp');
  assert.equal(valueIn(socketSettings, 'Service'), 'uscmdrelay.service');
  const manifest: unknown = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const files = typeof manifest === 'object' && manifest !== null && 'files' in manifest ? manifest.files : null;
  assert.ok(Array.isArray(files) && files.includes('uscmdrelay.sample.socket') && files.includes('uscmdrelay.sample.service'));
});

test('sandboxing that would break relayed commands stays off', () => {
  for (const name of ['NoNewPrivileges', 'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'MemoryDenyWriteExecute']) {
    assert.equal(value(name), undefined, `${name} is set`);
  }
  assert.equal(value('ProtectKernelModules'), 'yes');
});

test('no setting carries a trailing comment (systemd would read it as part of the value)', () => {
  for (const line of [...settings, ...socketSettings]) assert.ok(!line.includes('#'), line);
});

test('systemd-analyze verify accepts both units, when systemd is installed', (t) => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
  } catch {
    t.skip('systemd-analyze is not installed');
    return;
  }
  const dir = tempDir('uscmdrelay-unit-');
  const unit = join(dir, 'uscmdrelay.service');
  // verify checks that ExecStart exists; point it at a binary this machine has.
  writeFileSync(unit, text.replace(/^ExecStart=\S+/m, 'ExecStart=/bin/true'));
  // Installed under the names the socket's Service= and the README use.
  const socket = join(dir, 'uscmdrelay.socket');
  writeFileSync(socket, socketText);
  // Unknown keys and bad values are only warnings on stderr (exit 0): none may appear.
  const result = spawnSync('systemd-analyze', ['verify', socket, unit], { encoding: 'utf8' });
  assert.deepEqual([result.status, result.stdout.trim(), result.stderr.trim()], [0, '', '']);
});
