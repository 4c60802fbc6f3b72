// key new / list / revoke on auth.conf: every byte not ours stays, the file stays 0600, and the
// key itself is written nowhere.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readIni } from '../../src/config/index.js';
import { addKey, KeyToolError, listKeys, revokeKey } from '../../src/keys/index.js';
import { tempDir } from '../helpers/daemon.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

// Comments of both kinds, `:` and odd spacing, `;` and `#` inside values, a continuation line,
// [DEFAULT], an original-form key, a signer, and no final newline.
const MESSY = [
  '# auth.conf for prod',
  '; keep this file 0600',
  '[DEFAULT]',
  'description=inherited text',
  '',
  '[0c3fd1c4a9original-key]',
  'auth_clusters :  default   ops',
  '',
  '[deploy-bot]',
  '  key_sha256   =   ' + sha256('deploy'),
  'auth_clusters = deploy',
  'description = runs "a; b" # not a comment',
  '   and a continuation line',
  '',
  '[fleet-sender]',
  'public_key = ' + 'A'.repeat(42) + 'E',
  'auth_clusters = *',
  '# trailing comment, no newline',
].join('\n');

function configDir(text?: string, mode = 0o600): string {
  const dir = tempDir('uscmdrelay-keys-');
  if (text !== undefined) {
    writeFileSync(join(dir, 'auth.conf'), text);
    chmodSync(join(dir, 'auth.conf'), mode);
  }
  return dir;
}

const authText = (dir: string): string => readFileSync(join(dir, 'auth.conf'), 'utf8');
const authMode = (dir: string): number => statSync(join(dir, 'auth.conf')).mode & 0o777;

const refused = (pattern: RegExp) => (error: unknown) => error instanceof KeyToolError && pattern.test(error.message);

describe('key new', () => {
  it('appends one hashed section after every existing byte, keeping 0600', () => {
    const dir = configDir(MESSY);
    const made = addKey({ label: 'ci-runner', clusters: 'default deploy', allowFrom: '10.0.0.0/8 ::1', description: 'CI; runner #1', configDir: dir });
    const text = authText(dir);
    assert.ok(text.startsWith(MESSY), 'the old text is a prefix of the new');
    assert.equal(
      text.slice(MESSY.length),
      `\n\n[ci-runner]\nkey_sha256 = ${sha256(made.key)}\nauth_clusters = default deploy\nallow_from = 10.0.0.0/8 ::1\ndescription = CI; runner #1\n`,
    );
    assert.equal(authMode(dir), 0o600);
    assert.match(made.key, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(made.key, 'base64url').length, 32);
    assert.ok(!text.includes(made.key), 'the key itself is not in the file');
    const { document, errors } = readIni(text, 'auth.conf');
    assert.deepEqual(errors, []);
    assert.equal(document.sections.get('ci-runner')?.options.get('description')?.value, 'CI; runner #1');
    assert.equal(made.sha256, sha256(made.key));
    assert.deepEqual(readdirSync(dir), ['auth.conf'], 'no temporary file left behind');
  });

  it('makes a different key every time', () => {
    const dir = configDir('');
    const a = addKey({ label: 'a', clusters: '*', configDir: dir });
    const b = addKey({ label: 'b', clusters: '*', configDir: dir });
    assert.notEqual(a.key, b.key);
    assert.equal(authText(dir), `[a]\nkey_sha256 = ${sha256(a.key)}\nauth_clusters = *\n\n[b]\nkey_sha256 = ${sha256(b.key)}\nauth_clusters = *\n`);
  });

  it('keeps CRLF line ends in a CRLF file', () => {
    const original = '[x]\r\nkey_sha256 = ' + sha256('x') + '\r\nauth_clusters = a\r\n';
    const dir = configDir(original);
    const made = addKey({ label: 'y', clusters: 'b', configDir: dir });
    assert.equal(authText(dir), `${original}\r\n[y]\r\nkey_sha256 = ${sha256(made.key)}\r\nauth_clusters = b\r\n`);
  });

  it('creates a missing auth.conf with mode 0600', () => {
    const dir = join(configDir(), 'new', 'dir');
    const made = addKey({ label: 'first', clusters: 'default', configDir: dir });
    assert.equal(authText(dir), `[first]\nkey_sha256 = ${sha256(made.key)}\nauth_clusters = default\n`);
    assert.equal(authMode(dir), 0o600);
  });

  it('tightens a file others could read back to 0600', () => {
    const dir = configDir(MESSY, 0o644);
    addKey({ label: 'z', clusters: 'default', configDir: dir });
    assert.equal(authMode(dir), 0o600);
  });

  it('refuses a label that exists, in any form, and leaves the file alone', () => {
    const dir = configDir(MESSY);
    assert.throws(() => addKey({ label: 'deploy-bot', clusters: 'x', configDir: dir }), refused(/label deploy-bot already exists/));
    assert.throws(() => addKey({ label: 'fleet-sender', clusters: 'x', configDir: dir }), refused(/already exists/));
    assert.equal(authText(dir), MESSY);
  });

  it('refuses labels that are not safe section names', () => {
    const dir = configDir(MESSY);
    for (const label of ['', 'a b', 'a]b', '[x]', 'DEFAULT', 'x\ny', 'a::b', 'ü', 'x'.repeat(129)]) {
      assert.throws(() => addKey({ label, clusters: 'x', configDir: dir }), refused(/label/), JSON.stringify(label));
    }
    assert.equal(authText(dir), MESSY);
  });

  it('refuses values that would not read back as one option', () => {
    const dir = configDir(MESSY);
    const bad: Array<[Parameters<typeof addKey>[0], RegExp]> = [
      [{ label: 'n', clusters: '' }, /at least one cluster/],
      [{ label: 'n', clusters: 'a *' }, /--clusters: \* means every cluster and cannot be mixed/],
      [{ label: 'n', clusters: 'a "b' }, /No closing quotation/],
      [{ label: 'n', clusters: 'a\n[evil]' }, /one line/],
      [{ label: 'n', clusters: 'a', description: 'x\nkey_sha256 = 00' }, /one line/],
      [{ label: 'n', clusters: 'a', allowFrom: '10.0.0.0/33' }, /--allow-from: "10.0.0.0\/33": the prefix length must be 0 to 32/],
      [{ label: 'n', clusters: 'a', allowFrom: 'example.com' }, /not an IP address/],
      [{ label: 'n', clusters: 'a', allowFrom: ' ' }, /--allow-from: empty/],
    ];
    for (const [options, pattern] of bad) assert.throws(() => addKey({ ...options, configDir: dir }), refused(pattern), JSON.stringify(options));
    assert.equal(authText(dir), MESSY);
  });

  it('refuses to edit a file with syntax errors', () => {
    const broken = '[a]\nkey_sha256 = 1\n[a]\nauth_clusters = x\n';
    const dir = configDir(broken);
    assert.throws(() => addKey({ label: 'b', clusters: 'x', configDir: dir }), refused(/has errors.*\n.*duplicate section/));
    assert.equal(authText(dir), broken);
  });
});

describe('key list', () => {
  it('names every key by label and form, never by the key', () => {
    const dir = configDir(MESSY);
    const keys = listKeys(dir);
    const file = join(dir, 'auth.conf');
    assert.deepEqual(keys, [
      { label: `sha256:${sha256('0c3fd1c4a9original-key').slice(0, 12)}`, form: 'original', clusters: 'default   ops', allowFrom: '', description: 'inherited text', file },
      { label: 'deploy-bot', form: 'hashed', clusters: 'deploy', allowFrom: '', description: 'runs "a; b" # not a comment\nand a continuation line', file },
      { label: 'fleet-sender', form: 'signer', clusters: '*', allowFrom: '', description: 'inherited text', file },
    ]);
    assert.ok(!JSON.stringify(keys).includes('0c3fd1c4a9original-key'));
  });

  it('is empty without a file', () => {
    assert.deepEqual(listKeys(configDir()), []);
  });
});

describe('key revoke', () => {
  const FILE = [
    '# keys',
    '[a]',
    'key_sha256 = ' + sha256('a'),
    'auth_clusters = x',
    '',
    '[b]',
    'key_sha256 = ' + sha256('b'),
    '# allow_from = 10.0.0.0/8    (a commented-out option of b)',
    'auth_clusters = x',
    '; glued to b: b\'s own',
    '',
    '# the c key: introduces c',
    '; still about c',
    '[c]',
    'key_sha256 = ' + sha256('c'),
    'auth_clusters = x',
    '',
    '# end of file',
    '',
  ].join('\n');

  it('removes a middle section through its trailing lines, keeping the comments above the next header', () => {
    const dir = configDir(FILE);
    assert.deepEqual(revokeKey('b', dir), [join(dir, 'auth.conf')]);
    const lines = FILE.split('\n');
    assert.equal(authText(dir), [...lines.slice(0, 5), ...lines.slice(11)].join('\n'));
    assert.equal(authMode(dir), 0o600);
    assert.deepEqual(readdirSync(dir), ['auth.conf']);
  });

  it('removes the first and the last sections', () => {
    const dir = configDir(FILE);
    revokeKey('a', dir);
    revokeKey('c', dir);
    const lines = FILE.split('\n');
    assert.equal(authText(dir), ['# keys', ...lines.slice(5, 13), '# end of file', ''].join('\n'));
  });

  it('removes a section whose last line has no newline, and one followed by [DEFAULT]', () => {
    const dir = configDir('[a]\nkey_sha256 = 1\nauth_clusters = x\n[DEFAULT]\ndescription = d\n[b]\nkey_sha256 = 2\nauth_clusters = y');
    revokeKey('a', dir);
    assert.equal(authText(dir), '[DEFAULT]\ndescription = d\n[b]\nkey_sha256 = 2\nauth_clusters = y');
    revokeKey('b', dir);
    assert.equal(authText(dir), '[DEFAULT]\ndescription = d\n');
  });

  it('revokes an original-form key by its sha256 label, never by typing the key', () => {
    const dir = configDir(MESSY);
    const label = `sha256:${sha256('0c3fd1c4a9original-key').slice(0, 12)}`;
    revokeKey(label, dir);
    const lines = MESSY.split('\n');
    assert.equal(authText(dir), [...lines.slice(0, 5), ...lines.slice(8)].join('\n'));
    assert.throws(() => revokeKey('0c3fd1c4a9original-key', dir), refused(/no key labelled/));
  });

  it('undoes key new except for the blank line that separated it', () => {
    const dir = configDir(MESSY);
    addKey({ label: 'temp', clusters: 'x', configDir: dir });
    revokeKey('temp', dir);
    assert.equal(authText(dir), `${MESSY}\n\n`);
  });

  it('refuses an unknown label and leaves the file alone', () => {
    const dir = configDir(FILE);
    assert.throws(() => revokeKey('nope', dir), refused(/no key labelled nope/));
    assert.equal(authText(dir), FILE);
    assert.ok(!existsSync(join(dir, 'auth.conf.tmp')));
  });
});
