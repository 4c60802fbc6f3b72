// auth.conf (SPEC 3.3): the three forms of a key, its options, the file's permissions, and that
// no problem message ever shows an original-form key.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  authSectionLabel,
  ConfigError,
  formatProblem,
  hashKey,
  isEd25519PublicKey,
  labelForOriginalKey,
  loadConfigSnapshot,
  privateFileProblem,
  readIni,
} from '../../src/config/index.js';
import { generateIdentity } from '../../src/fleet/index.js';
import { DEFAULTS, MINIMAL_AUTH, MINIMAL_RELAYS, configDir, load, problemsOf } from './helpers.js';

const SECRET = 'demo-key-change-me';
const SECRET_LABEL = `sha256:${createHash('sha256').update(SECRET).digest('hex').slice(0, 12)}`;
const HASH_OF_PASSWORD = '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8'; // sha256("password")

// A fresh ed25519 public key in the fleet's spelling.
function publicKey(): string {
  return generateIdentity().publicKey;
}

test('hashKey is the SHA-256 of the UTF-8 key; the label is sha256: and 12 hex digits', () => {
  assert.equal(hashKey('password').toString('hex'), HASH_OF_PASSWORD);
  assert.equal(labelForOriginalKey(hashKey('password')), 'sha256:5e884898da28');
  assert.equal(hashKey('clé').toString('hex'), createHash('sha256').update(Buffer.from('clé', 'utf8')).digest('hex'));
});

test('original form: the section name is the key', () => {
  const snapshot = load(`[${SECRET}]\ndescription = Demo\nauth_clusters = default ops\n`, MINIMAL_RELAYS);
  assert.equal(snapshot.keys.length, 1);
  const key = snapshot.keys[0];
  assert.equal(key?.label, SECRET_LABEL);
  assert.deepEqual(key?.keyHash, hashKey(SECRET));
  assert.equal(key?.publicKey, null);
  assert.equal(key?.description, 'Demo');
  assert.deepEqual(key?.clusters, new Set(['default', 'ops']));
  assert.equal(key?.allowFrom, null);
  assert.equal(key?.origin.section, SECRET_LABEL);
});

test('hashed form: key_sha256 in any case; the section name is the label', () => {
  const snapshot = load(`[ci-runner]\nkey_sha256 = ${HASH_OF_PASSWORD.toUpperCase()}\nauth_clusters = deploy\n`, MINIMAL_RELAYS);
  assert.equal(snapshot.keys[0]?.label, 'ci-runner');
  assert.deepEqual(snapshot.keys[0]?.keyHash, hashKey('password'));
  assert.equal(snapshot.keys[0]?.origin.section, 'ci-runner');
});

test('a signer-only section: public_key without key_sha256', () => {
  const key = publicKey();
  const snapshot = load(`[laptop-alice]\npublic_key = ${key}\nauth_clusters = *\n`, MINIMAL_RELAYS);
  assert.deepEqual(
    snapshot.keys.map((entry) => [entry.label, entry.keyHash, entry.publicKey, entry.clusters]),
    [['laptop-alice', null, key, '*']],
  );
});

test('a section may hold both key_sha256 and public_key', () => {
  const key = publicKey();
  const snapshot = load(`[both]\nkey_sha256 = ${HASH_OF_PASSWORD}\npublic_key = ${key}\nauth_clusters = a\n`, MINIMAL_RELAYS);
  assert.deepEqual(snapshot.keys[0]?.keyHash, hashKey('password'));
  assert.equal(snapshot.keys[0]?.publicKey, key);
});

test('isEd25519PublicKey: 43 chars of canonical unpadded base64url, 32 bytes', () => {
  const key = publicKey();
  assert.equal(isEd25519PublicKey(key), true);
  assert.equal(isEd25519PublicKey('A'.repeat(43)), true);
  assert.equal(isEd25519PublicKey(`${key}=`), false);
  assert.equal(isEd25519PublicKey(key.slice(0, 42)), false);
  assert.equal(isEd25519PublicKey(`${'A'.repeat(42)}B`), false); // stray low bits: not canonical
  assert.equal(isEd25519PublicKey(`${'A'.repeat(42)}+`), false); // base64, not base64url
  assert.equal(isEd25519PublicKey(Buffer.alloc(32).toString('base64')), false); // padded
});

test('auth_clusters: * alone, a shlex list, required, not mixed', () => {
  const snapshot = load("[k]\nauth_clusters = 'with space' plain\n", MINIMAL_RELAYS);
  assert.deepEqual(snapshot.keys[0]?.clusters, new Set(['with space', 'plain']));
  assert.deepEqual(problemsOf('[ci]\nkey_sha256 = ' + HASH_OF_PASSWORD + '\n', MINIMAL_RELAYS), [
    'DIR/auth.conf:1: [ci] auth_clusters is required (cluster names, or * for every cluster)',
  ]);
  assert.deepEqual(problemsOf(`[ci]\nkey_sha256 = ${HASH_OF_PASSWORD}\nauth_clusters =\n`, MINIMAL_RELAYS), [
    'DIR/auth.conf:3: [ci] auth_clusters: must name at least one cluster, or * for every cluster',
  ]);
  assert.deepEqual(problemsOf(`[ci]\nkey_sha256 = ${HASH_OF_PASSWORD}\nauth_clusters = * ops\n`, MINIMAL_RELAYS), [
    'DIR/auth.conf:3: [ci] auth_clusters: * means every cluster and cannot be mixed with cluster names',
  ]);
  assert.deepEqual(problemsOf(`[ci]\nkey_sha256 = ${HASH_OF_PASSWORD}\nauth_clusters = 'ops\n`, MINIMAL_RELAYS), [
    'DIR/auth.conf:3: [ci] auth_clusters: No closing quotation',
  ]);
});

test('allow_from: addresses and CIDRs, IPv4 and IPv6, spaces or commas', () => {
  const snapshot = load('[k]\nauth_clusters = *\nallow_from = 10.0.0.0/8, 192.168.1.7 ::1 2001:db8::/32\n', MINIMAL_RELAYS);
  const list = snapshot.keys[0]?.allowFrom;
  assert.ok(list);
  assert.equal(list.check('10.20.30.40', 'ipv4'), true);
  assert.equal(list.check('::ffff:10.20.30.40', 'ipv6'), true);
  assert.equal(list.check('11.0.0.1', 'ipv4'), false);
  assert.equal(list.check('192.168.1.7', 'ipv4'), true);
  assert.equal(list.check('192.168.1.8', 'ipv4'), false);
  assert.equal(list.check('::1', 'ipv6'), true);
  assert.equal(list.check('2001:db8:1::5', 'ipv6'), true);
  assert.equal(list.check('2001:db9::5', 'ipv6'), false);
});

test('allow_from: bad entries and an empty list are problems', () => {
  assert.deepEqual(problemsOf('[k]\nauth_clusters = *\nallow_from = 10.0.0.0/33 example.com\n', MINIMAL_RELAYS), [
    `DIR/auth.conf:3: [${labelForOriginalKey(hashKey('k'))}] allow_from: ` +
      '"10.0.0.0/33": the prefix length must be 0 to 32; "example.com" is not an IP address or CIDR',
  ]);
  assert.deepEqual(problemsOf('[ci]\npublic_key = ' + 'A'.repeat(43) + '\nauth_clusters = *\nallow_from =\n', MINIMAL_RELAYS), [
    'DIR/auth.conf:4: [ci] allow_from: empty; leave the option out to allow any address',
  ]);
});

test('key_sha256 and public_key must be well formed, and their values are not echoed', () => {
  const problems = problemsOf(
    '[a]\nkey_sha256 = not-a-hash-but-maybe-a-key\nauth_clusters = *\n[b]\npublic_key = secret-looking\nauth_clusters = *\n',
    MINIMAL_RELAYS,
  );
  assert.deepEqual(problems, [
    'DIR/auth.conf:2: [a] key_sha256: must be 64 hex digits: the SHA-256 of the key (printf %s KEY | sha256sum)',
    'DIR/auth.conf:5: [b] public_key: must be an ed25519 public key: 43 characters of unpadded base64url',
  ]);
});

test('unknown options are problems (a typo such as auth_cluster)', () => {
  assert.deepEqual(problemsOf(`[ci]\nkey_sha256 = ${HASH_OF_PASSWORD}\nauth_cluster = *\n`, MINIMAL_RELAYS), [
    'DIR/auth.conf:1: [ci] auth_clusters is required (cluster names, or * for every cluster)',
    'DIR/auth.conf:3: [ci] auth_cluster: unknown option (known: key_sha256, public_key, auth_clusters, allow_from, description)',
  ]);
});

test('[DEFAULT] options are inherited by every key; unknown ones are reported once', () => {
  const snapshot = load('[DEFAULT]\nauth_clusters = default\n[a]\n[b]\nauth_clusters = ops\n', MINIMAL_RELAYS);
  assert.deepEqual(snapshot.keys.map((key) => key.clusters), [new Set(['default']), new Set(['ops'])]);
  assert.deepEqual(problemsOf('[DEFAULT]\nauth_clusters = *\ncolour = blue\n[a]\n', MINIMAL_RELAYS), [
    'DIR/auth.conf:3: [DEFAULT] colour: unknown option',
  ]);
});

test('the same key twice, or the same public key twice, is a problem', () => {
  const problems = problemsOf(`[password]\nauth_clusters = *\n[ci]\nkey_sha256 = ${HASH_OF_PASSWORD}\nauth_clusters = *\n`, MINIMAL_RELAYS);
  assert.deepEqual(problems, ['DIR/auth.conf:3: [ci] the same key as [sha256:5e884898da28]']);
  const key = publicKey();
  assert.deepEqual(problemsOf(`[x]\npublic_key = ${key}\nauth_clusters = *\n[y]\npublic_key = ${key}\nauth_clusters = *\n`, MINIMAL_RELAYS), [
    'DIR/auth.conf:4: [y] the same public_key as [x]',
  ]);
});

test('an original-form key never appears in a problem, whatever the problem', () => {
  const auth = [
    `[${SECRET}]`,
    'auth_clusters = * ops',
    'allow_from = nowhere',
    'bogus = 1',
    'bogus = 2',
    'not an option line',
    `[${SECRET}]`,
    'auth_clusters = *',
  ].join('\n');
  const problems = problemsOf(auth, MINIMAL_RELAYS);
  assert.ok(problems.length >= 5, problems.join('\n'));
  for (const problem of problems) {
    assert.ok(!problem.includes(SECRET), problem);
    assert.ok(problem.includes(`[${SECRET_LABEL}]`), problem);
  }
});

test('__proto__ and constructor are ordinary keys and cluster names', () => {
  const snapshot = load('[__proto__]\nauth_clusters = __proto__ constructor\n[constructor]\nauth_clusters = *\n', MINIMAL_RELAYS);
  assert.deepEqual(snapshot.keys.map((key) => key.label), [
    labelForOriginalKey(hashKey('__proto__')),
    labelForOriginalKey(hashKey('constructor')),
  ]);
  assert.deepEqual(snapshot.keys[0]?.clusters, new Set(['__proto__', 'constructor']));
});

test('auth.conf with group or other permission bits is refused, with the mode in octal', () => {
  const dir = configDir(MINIMAL_AUTH, MINIMAL_RELAYS);
  const file = join(dir, 'auth.conf');
  for (const mode of [0o644, 0o640, 0o604, 0o660]) {
    chmodSync(file, mode);
    assert.throws(
      () => loadConfigSnapshot({ configDir: dir, defaults: DEFAULTS }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === `${file}: must not be accessible by group or others (mode 0${mode.toString(8)}); run chmod 600 ${file}`,
    );
  }
  for (const mode of [0o600, 0o400]) {
    chmodSync(file, mode);
    assert.equal(loadConfigSnapshot({ configDir: dir, defaults: DEFAULTS }).keys.length, 1);
  }
});

test('auth.conf owned by another user is refused', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, () => {
  const dir = configDir(MINIMAL_AUTH, MINIMAL_RELAYS);
  const file = join(dir, 'auth.conf');
  chownSync(file, 65534, 65534);
  assert.throws(
    () => loadConfigSnapshot({ configDir: dir, defaults: DEFAULTS }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message === `${file}: must be owned by the daemon's user (uid ${process.getuid?.()}), not uid 65534 (mode 0600)`,
  );
});

test('privateFileProblem checks owner and mode bits of any stats', () => {
  const uid = process.getuid?.() ?? 0;
  assert.equal(privateFileProblem({ uid, mode: 0o100600 }, '/x'), null);
  assert.deepEqual(privateFileProblem({ uid, mode: 0o100601 }, '/x'), {
    file: '/x',
    message: 'must not be accessible by group or others (mode 0601); run chmod 600 /x',
  });
});

test('relays.conf may be world-readable', () => {
  const dir = configDir(MINIMAL_AUTH, MINIMAL_RELAYS);
  chmodSync(join(dir, 'relays.conf'), 0o644);
  writeFileSync(join(dir, 'relays.conf'), MINIMAL_RELAYS);
  assert.equal(loadConfigSnapshot({ configDir: dir, defaults: DEFAULTS }).clusters.size, 1);
});

test('formatProblem leaves out the parts a problem lacks', () => {
  assert.equal(formatProblem({ message: 'm' }), 'm');
  assert.equal(formatProblem({ file: 'f', message: 'm' }), 'f: m');
  assert.equal(formatProblem({ file: 'f', line: 3, message: 'm' }), 'f:3: m');
  assert.equal(formatProblem({ file: 'f', line: 3, section: 's', option: 'o', message: 'm' }), 'f:3: [s] o: m');
  assert.equal(formatProblem({ section: 's', message: 'm' }), '[s] m');
  assert.equal(formatProblem({ option: 'o', message: 'm' }), 'o: m');
});

test('authSectionLabel names sections the way logs do, for the key tool', () => {
  const { document } = readIni(`[${SECRET}]\nauth_clusters = *\n[ci]\nkey_sha256 = ${HASH_OF_PASSWORD}\n[fleet]\npublic_key = ${'A'.repeat(43)}\n`, 'auth.conf');
  assert.equal(authSectionLabel(document, SECRET), SECRET_LABEL);
  assert.equal(authSectionLabel(document, 'ci'), 'ci');
  assert.equal(authSectionLabel(document, 'fleet'), 'fleet');
  assert.deepEqual([...document.sections.values()].map((section) => [section.line, section.lastLine]), [[1, 2], [3, 4], [5, 6]]);
});
