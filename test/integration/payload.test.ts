// SPEC 5.4 against the running daemon: payload to stdin or to a private file, max_payload,
// base64 bytes, 2004, and the file gone after the command however it ended.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ask, startDaemon, tempDir, type DaemonHandle } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY, ORIGINAL_KEY } from '../helpers/fixtures.js';
import { isRoot, nobodyUid } from '../helpers/nobody.js';

const LIMIT = { timeout: 60_000 };

// Every byte value, twice, in an order that is not sorted.
const BYTES = Buffer.from(Array.from({ length: 512 }, (_, index) => (index * 167 + 13) % 256));
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

const data = (name: string, extra: object = {}): object => ({ auth_key: HASHED_KEY, command: `data::${name}`, ...extra });

// The payload file a command saw must be a private file in a private directory of its own.
function assertPrivatePath(path: string): void {
  assert.match(path, /^\/.+\/uscmdrelay-[^/]+\/payload$/, `not a payload file path: ${path}`);
  assert.equal(dirname(dirname(path)), tmpdir());
}

function assertRemoved(path: string): void {
  assert.equal(existsSync(path), false, `${path} outlived its command`);
  assert.equal(existsSync(dirname(path)), false, `${dirname(path)} outlived its command`);
}

describe('payloads', () => {
  let daemon: DaemonHandle;
  const work = tempDir();
  const relays = `[default]
echo = /bin/echo

[data::stdin]
command = /bin/cat
payload = stdin

[data::stdin-small]
command = /usr/bin/wc -c
payload = stdin
max_payload = 16

[data::stdin-default-limit]
command = /usr/bin/wc -c
payload = stdin

[data::stdin-hex]
command = /usr/bin/od -An -v -tx1
payload = stdin

[data::stdin-ignored]
command = /bin/echo ignored
payload = stdin

[data::stdin-sum]
command = /usr/bin/sha256sum
payload = stdin
max_payload = 1M

[data::file]
command = /bin/sh -c 'printf "%s\\n" "$1"; stat -c %a "$1"; stat -c %a "$(dirname "$1")"; cat "$1"' show
payload = file

[data::file-args]
command = /usr/bin/printf [%s]
payload = file

[data::file-sum]
command = /usr/bin/sha256sum
payload = file

[data::file-shell]
command = printf "%s|" "$#"; cat "$1"; printf "|%s" "$2"
payload = file
shell = yes

[data::file-fails]
command = /bin/sh -c 'echo "$1" >&2; exit 1' fails
payload = file

[data::file-hangs]
command = /bin/sh -c 'echo "$1" > "$2"; exec sleep 100' hangs
payload = file
timeout = 0.5

[data::file-floods]
command = /bin/sh -c 'echo "$1" > "$2"; exec yes' floods
payload = file
max_output = 64K

[data::file-killable]
command = /bin/sh -c 'echo "$1" > "$2"; exec sleep 100' killable
payload = file
on_disconnect = kill
timeout = 60

[data::file-missing-program]
command = /nonexistent/program
payload = file

[data::file-as-nobody]
command = /bin/sh -c 'id -u; stat -c "%u %a" "$1"; cat "$1"' as-nobody
payload = file
user = nobody

[data::none]
command = /bin/echo none
payload = none
`;
  before(async () => {
    daemon = await startDaemon({ auth: AUTH_CONF, relays });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('a listing says how each command takes a payload, and up to how many bytes', LIMIT, async () => {
    const answer = await ask(daemon, { auth_key: HASHED_KEY, command: '', op: 'list' });
    const commands = answer.commands as Array<{ command: string }>;
    assert.deepEqual(
      commands.filter((entry) => ['default::echo', 'data::stdin-small', 'data::file'].includes(entry.command)),
      [
        { command: 'data::file', description: '', args: { min: 0, max: null }, payload: 'file', max_payload: 262144 },
        { command: 'data::stdin-small', description: '', args: { min: 0, max: null }, payload: 'stdin', max_payload: 16 },
        { command: 'default::echo', description: '', args: { min: 0, max: null }, payload: 'none' },
      ],
    );
  });

  describe('payload = stdin', () => {
    it('is written to the command standard input, which is then closed', LIMIT, async () => {
      const answer = await ask(daemon, data('stdin', { payload: 'line one\nline two\n' }));
      assert.deepEqual([answer.status, answer.code, answer.message], ['ok', 0, 'line one\nline two']);
    });

    it('without a payload the command reads an empty stdin', LIMIT, async () => {
      const answer = await ask(daemon, data('stdin'));
      assert.deepEqual([answer.code, answer.message], [0, '']);
    });

    it('base64 carries bytes: every byte value arrives unchanged', LIMIT, async () => {
      const hex = await ask(daemon, data('stdin-hex', { payload: BYTES.toString('base64'), payload_encoding: 'base64' }));
      assert.equal(hex.code, 0);
      assert.equal(String(hex.message).split(/\s+/).join(''), BYTES.toString('hex'));
      const sum = await ask(daemon, data('stdin-sum', { payload: BYTES.toString('base64'), payload_encoding: 'base64' }));
      assert.equal(sum.message, `${sha256(BYTES)}  -`);
    });

    it('a command that never reads its stdin is not harmed by a large payload', LIMIT, async () => {
      const answer = await ask(daemon, data('stdin-ignored', { payload: 'x'.repeat(200_000) }));
      assert.deepEqual([answer.code, answer.message], [0, 'ignored']);
      assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['alive'] })).message, 'alive');
    });
  });

  describe('max_payload', () => {
    it('counts bytes after decoding: at the limit runs, one more is 2004', LIMIT, async () => {
      assert.equal((await ask(daemon, data('stdin-small', { payload: 'x'.repeat(16) }))).message, '16');
      const over = await ask(daemon, data('stdin-small', { payload: 'x'.repeat(17) }));
      assert.deepEqual(
        [over.status, over.code, over.message, over.exit_code],
        ['error', 2004, 'Payload not accepted: larger than 16 bytes', null],
      );
      // 24 base64 characters are 16 bytes: the limit is on what the command gets.
      const encoded = Buffer.alloc(16, 0xff).toString('base64');
      assert.ok(encoded.length > 16);
      assert.equal((await ask(daemon, data('stdin-small', { payload: encoded, payload_encoding: 'base64' }))).message, '16');
      const encodedOver = await ask(daemon, data('stdin-small', { payload: Buffer.alloc(17).toString('base64'), payload_encoding: 'base64' }));
      assert.equal(encodedOver.code, 2004);
      // Nine characters, eighteen UTF-8 bytes.
      assert.equal((await ask(daemon, data('stdin-small', { payload: 'é'.repeat(9) }))).code, 2004);
      assert.equal((await ask(daemon, data('stdin-small', { payload: 'é'.repeat(8) }))).message, '16');
    });

    it('defaults to 262144 bytes', LIMIT, async () => {
      assert.equal((await ask(daemon, data('stdin-default-limit', { payload: 'y'.repeat(262144) }))).message, '262144');
      const over = await ask(daemon, data('stdin-default-limit', { payload: 'y'.repeat(262145) }));
      assert.deepEqual([over.code, over.message], [2004, 'Payload not accepted: larger than 262144 bytes']);
    });

    it('invalid base64 is a malformed request', LIMIT, async () => {
      const answer = await ask(daemon, data('stdin', { payload: 'not base64!', payload_encoding: 'base64' }));
      assert.deepEqual([answer.code, answer.message], [2099, "Malformed request: field 'payload' is not valid base64"]);
    });
  });

  describe('payload = file', () => {
    it('gives the path of a private read-only (0400) file as the first argument, and removes it after', LIMIT, async () => {
      const answer = await ask(daemon, data('file', { payload: 'file contents\n' }));
      assert.equal(answer.code, 0, String(answer.message));
      const [path = '', mode, dirMode, contents] = String(answer.message).split('\n');
      assertPrivatePath(path);
      assert.deepEqual([mode, dirMode, contents], ['400', '700', 'file contents']);
      assertRemoved(path);
    });

    it('client arguments come after the path', LIMIT, async () => {
      const answer = await ask(daemon, data('file-args', { payload: 'p', arguments: ['a b', 'c'] }));
      const match = /^\[([^\]]+)\]\[a b\]\[c\]$/.exec(String(answer.message));
      assert.ok(match, String(answer.message));
      assertPrivatePath(match[1] ?? '');
      assertRemoved(match[1] ?? '');
    });

    it('base64 bytes land in the file unchanged', LIMIT, async () => {
      const answer = await ask(daemon, data('file-sum', { payload: BYTES.toString('base64'), payload_encoding: 'base64' }));
      const [sum, path = ''] = String(answer.message).split(/\s+/);
      assert.equal(sum, sha256(BYTES));
      assertRemoved(path);
    });

    it('in shell mode the path is "$1" and client arguments follow', LIMIT, async () => {
      const answer = await ask(daemon, data('file-shell', { payload: 'from file', arguments: ['$(id)'] }));
      assert.equal(answer.message, '2|from file|$(id)');
    });

    it('an empty payload is still a file (of zero bytes)', LIMIT, async () => {
      const answer = await ask(daemon, data('file-sum', { payload: '' }));
      assert.equal(String(answer.message).split(/\s+/)[0], sha256(''));
    });

    it('without a payload no file is made and no argument inserted', LIMIT, async () => {
      const answer = await ask(daemon, data('file-args', { arguments: ['only'] }));
      assert.equal(answer.message, '[only]');
    });

    it('is removed when the command fails (exit 1)', LIMIT, async () => {
      const answer = await ask(daemon, data('file-fails', { payload: 'doomed' }));
      assert.equal(answer.code, 3001);
      assertPrivatePath(String(answer.message));
      assertRemoved(String(answer.message));
    });

    it('is removed when the command is killed at its time limit', LIMIT, async () => {
      const record = join(work, 'hangs');
      const answer = await ask(daemon, data('file-hangs', { payload: 'doomed', arguments: [record] }));
      assert.equal(answer.code, 3002);
      const path = readFileSync(record, 'utf8').trim();
      assertPrivatePath(path);
      assertRemoved(path);
    });

    it('is removed when the command is killed at its output cap', LIMIT, async () => {
      const record = join(work, 'floods');
      const answer = await ask(daemon, data('file-floods', { payload: 'doomed', arguments: [record] }));
      assert.equal(answer.code, 3003);
      const path = readFileSync(record, 'utf8').trim();
      assertPrivatePath(path);
      assertRemoved(path);
    });

    it('is removed when the client goes away and on_disconnect = kill ends the command', LIMIT, async () => {
      const record = join(work, 'killable');
      const socket = connect({ host: '127.0.0.1', port: daemon.port });
      socket.on('error', () => {});
      await once(socket, 'connect');
      socket.write(`${JSON.stringify(data('file-killable', { payload: 'doomed', arguments: [record] }))}\n`);
      while (!existsSync(record) || !readFileSync(record, 'utf8').endsWith('\n')) await delay(20);
      socket.resetAndDestroy();
      const line = await daemon.waitForLog((l) => l.msg === 'request' && l.command === 'file-killable');
      assert.equal(line.code, 3007);
      const path = readFileSync(record, 'utf8').trim();
      assertPrivatePath(path);
      assertRemoved(path);
    });

    it('leaves nothing behind when the program cannot start', LIMIT, async () => {
      const before = payloadDirs();
      const answer = await ask(daemon, data('file-missing-program', { payload: 'doomed' }));
      assert.deepEqual([answer.code, answer.message], [3004, 'Command could not be started: command not found: /nonexistent/program']);
      // Other test files may run payload commands meanwhile: theirs go away, a leak stays.
      const deadline = Date.now() + 5_000;
      let left = payloadDirs().filter((dir) => !before.includes(dir));
      while (left.length > 0 && Date.now() < deadline) {
        await delay(50);
        left = left.filter((dir) => existsSync(join(tmpdir(), dir)));
      }
      assert.deepEqual(left, []);
    });

    it('as root, the file belongs to the user the command runs as', { ...LIMIT, skip: !isRoot && 'needs root' }, async () => {
      const answer = await ask(daemon, data('file-as-nobody', { payload: 'for nobody' }));
      assert.equal(answer.message, `${nobodyUid}\n${nobodyUid} 400\nfor nobody`);
    });
  });

  describe('2004: a payload the command does not take', () => {
    it('payload = none, in the extended and in the plain form, even an empty payload', LIMIT, async () => {
      for (const request of [
        data('none', { payload: 'x' }),
        data('none', { payload: '' }),
        data('none', { payload: 'eA==', payload_encoding: 'base64' }),
        { auth_key: ORIGINAL_KEY, command: 'echo', payload: 'x' },
      ]) {
        const answer = await ask(daemon, request);
        assert.deepEqual(
          [answer.status, answer.code, answer.message, answer.exit_code],
          ['error', 2004, 'Payload not accepted: this command takes no payload', null],
          JSON.stringify(request),
        );
      }
      assert.equal((await ask(daemon, data('none'))).message, 'none');
    });
  });
});

// The payload directories (mkdtemp's `uscmdrelay-XXXXXX`) in the temp directory now.
function payloadDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => /^uscmdrelay-[A-Za-z0-9]{6}$/.test(name));
}
