// The sample configuration shipped at the top of the repository loads on this machine as is.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hashKey, loadConfigSnapshot } from '../../src/config/index.js';
import { DEFAULTS, tempDir } from './helpers.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

// The samples copied into a config dir, auth.conf made 0600 as SPEC 3.3 wants.
function sampleDir(): string {
  const dir = tempDir();
  copyFileSync(join(REPO, 'auth.sample.conf'), join(dir, 'auth.conf'));
  copyFileSync(join(REPO, 'relays.sample.conf'), join(dir, 'relays.conf'));
  chmodSync(join(dir, 'auth.conf'), 0o600);
  return dir;
}

test('auth.sample.conf and relays.sample.conf load without problems', () => {
  const snapshot = loadConfigSnapshot({ configDir: sampleDir(), defaults: DEFAULTS });
  assert.equal(snapshot.keys.length, 1);
  const demo = snapshot.keys[0];
  assert.deepEqual(demo?.keyHash, hashKey('demo-key-change-me'));
  assert.equal(demo?.clusters, '*');
  assert.equal(demo?.allowFrom?.check('127.0.0.1', 'ipv4'), true);
  assert.equal(demo?.allowFrom?.check('::ffff:127.0.0.1', 'ipv6'), true);
  assert.equal(demo?.allowFrom?.check('::1', 'ipv6'), true);
  assert.equal(demo?.allowFrom?.check('10.0.0.1', 'ipv4'), false);

  assert.deepEqual([...(snapshot.clusters.get('default')?.keys() ?? [])], ['uptime', 'date', 'echo', 'fail', 'grep', 'slow']);
  assert.deepEqual(snapshot.clusters.get('default')?.get('date')?.argv, ['date', '+%s']);
  assert.deepEqual([...(snapshot.clusters.get('ops')?.keys() ?? [])], [
    'disk-usage', 'whoami', 'checksum', 'count-lines', 'show-env', 'check-token', 'greet', 'steps', 'slow',
  ]);
  assert.deepEqual([...(snapshot.clusters.get('deploy')?.keys() ?? [])], ['restart-app', 'build', 'unpack']);
  assert.deepEqual([...(snapshot.clusters.get('docs')?.keys() ?? [])], ['store']);
});

test('the sample grep reads only under /var/log: no climbing out with ..', () => {
  const grep = loadConfigSnapshot({ configDir: sampleDir(), defaults: DEFAULTS }).clusters.get('default')?.get('grep');
  assert.equal(grep?.cwd, '/var/log');
  for (const ok of ['-i', 'error', '/var/log/app.log', '/var/log/nginx/access.log']) assert.equal(grep?.argPattern?.test(ok), true, ok);
  for (const bad of ['/etc/shadow', '/var/log/../../etc/shadow', '/var/log/.hidden', '/var/log', 'a;b', '--file=/etc/shadow']) {
    assert.equal(grep?.argPattern?.test(bad), false, bad);
  }
});

test('every option of SPEC 5.2 appears in the relays sample with a non-default value', () => {
  const snapshot = loadConfigSnapshot({ configDir: sampleDir(), defaults: DEFAULTS });
  const ops = snapshot.clusters.get('ops');
  assert.equal(ops?.get('disk-usage')?.timeoutMs, 10_000);
  assert.equal(ops?.get('disk-usage')?.maxOutput, 65536);
  assert.deepEqual(ops?.get('disk-usage')?.args, { min: 0, max: 1 });
  assert.equal(ops?.get('disk-usage')?.argPattern?.test('/var/log'), true);
  assert.equal(ops?.get('disk-usage')?.argPattern?.test('/var; rm -rf /'), false);
  assert.deepEqual([ops?.get('whoami')?.uid, ops?.get('whoami')?.gid], [65534, 65534]);
  assert.equal(ops?.get('checksum')?.payload, 'stdin');
  assert.equal(ops?.get('checksum')?.maxPayload, 1024 * 1024);
  assert.equal(ops?.get('count-lines')?.payload, 'file');
  assert.deepEqual([...(ops?.get('show-env')?.env ?? [])], [['APP_ENV', 'staging'], ['GREETING', 'hello world']]);
  assert.deepEqual(ops?.get('show-env')?.passEnv, ['TZ', 'HOSTNAME']);
  assert.equal(ops?.get('show-env')?.cwd, '/tmp');
  assert.deepEqual([...(ops?.get('check-token')?.logmask ?? [])], [2]);
  assert.equal(ops?.get('greet')?.shell, true);
  assert.equal(ops?.get('greet')?.line, 'printf \'Hello, %s!\\n\' "$1"');
  assert.equal(ops?.get('slow')?.onDisconnect, 'kill');
  assert.equal(ops?.get('slow')?.concurrency, 2);
  const restart = snapshot.clusters.get('deploy')?.get('restart-app');
  assert.equal(restart?.concurrency, 1);
  assert.equal(restart?.description, 'Restart the app service');
});
