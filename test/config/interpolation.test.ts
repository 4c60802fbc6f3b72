// SPEC 3.2: `%` in auth.conf and relays.conf as configparser's BasicInterpolation, as a superset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolateValue } from '../../src/config/ini-interpolate.js';
import { MINIMAL_AUTH, MINIMAL_RELAYS, load, problemsOf } from './helpers.js';

const line = (relays: string, cluster: string, name: string) => load(MINIMAL_AUTH, relays).clusters.get(cluster)?.get(name)?.argv;

test('%% is one %', () => {
  assert.deepEqual(line('[default]\npct = /bin/echo 100%%\n', 'default', 'pct'), ['/bin/echo', '100%']);
});

test('%(name)s takes the value of an option of the same section', () => {
  const relays = '[default]\nbase = /bin\necho = %(base)s/echo hi\n';
  assert.deepEqual(line(relays, 'default', 'echo'), ['/bin/echo', 'hi']);
});

test('%(name)s takes [DEFAULT] values, recursively, and names are case-insensitive', () => {
  const relays = '[DEFAULT]\nroot = /usr\nbin = %(ROOT)s/bin\n[ops::who]\ncommand = %(bin)s/whoami\n';
  assert.deepEqual(line(relays, 'ops', 'who'), ['/usr/bin/whoami']);
});

test('the section’s own value wins over [DEFAULT]', () => {
  const relays = '[DEFAULT]\nbin = /usr/bin\n[a]\nbin = /bin\ne = %(bin)s/env\n';
  assert.deepEqual(line(relays, 'a', 'e'), ['/bin/env']);
  assert.deepEqual(line(relays, 'a', 'bin'), ['/bin']);
});

test('a lone % (which configparser refused) stays literal, so does %( without )s', () => {
  assert.deepEqual(line('[default]\ndate = date +%s\n', 'default', 'date'), ['date', '+%s']);
  assert.deepEqual(line('[default]\nodd = printf %(x\n', 'default', 'odd'), ['printf', '%(x']);
  assert.deepEqual(line('[default]\nmix = printf "%d %%" 5\n', 'default', 'mix'), ['printf', '%d %', '5']);
});

test('auth.conf values are interpolated too', () => {
  const auth = '[DEFAULT]\nauth_clusters = default ops\n[k]\nkey_sha256 = ' + 'a'.repeat(64) + '\ndescription = for %(auth_clusters)s: 50%% of the fleet\n';
  const key = load(auth, MINIMAL_RELAYS).keys.find((k) => k.label === 'k');
  assert.equal(key?.description, 'for default ops: 50% of the fleet');
});

test('an unknown %(name)s is a problem with file and line (configtest reports it)', () => {
  assert.deepEqual(problemsOf(MINIMAL_AUTH, '[default]\nok = /bin/true\necho = %(base)s/echo\n'), [
    'DIR/relays.conf:3: [default] echo: unknown %(base)s: no option "base" in this section or [DEFAULT]',
  ]);
  assert.deepEqual(problemsOf('[k]\nkey_sha256 = ' + 'a'.repeat(64) + '\nauth_clusters = %(nope)s\n', MINIMAL_RELAYS), [
    'DIR/auth.conf:3: [k] auth_clusters: unknown %(nope)s: no option "nope" in this section or [DEFAULT]',
  ]);
});

test('a [DEFAULT] value is interpolated once, against [DEFAULT] (a documented difference)', () => {
  assert.deepEqual(problemsOf(MINIMAL_AUTH, '[DEFAULT]\nx = %(only_in_a)s\n[a]\nonly_in_a = /bin/true\n'), [
    'DIR/relays.conf:2: [DEFAULT] x: unknown %(only_in_a)s: no option "only_in_a" in this section or [DEFAULT]',
  ]);
});

test('a reference loop stops at configparser’s depth and is a problem', () => {
  assert.deepEqual(problemsOf(MINIMAL_AUTH, '[default]\na = %(b)s\nb = %(a)s\n'), [
    'DIR/relays.conf:2: [default] a: interpolation deeper than 10 levels (a %(name)s loop?)',
    'DIR/relays.conf:3: [default] b: interpolation deeper than 10 levels (a %(name)s loop?)',
  ]);
});

test('interpolateValue substitutes only what it should', () => {
  const lookup = (name: string) => (name === 'x' ? 'X%%' : undefined);
  assert.equal(interpolateValue('%(x)s-%%-%s-%', lookup), 'X%-%-%s-%');
});
