// In-process: reading a job's output by byte offset in whole UTF-8 characters (SPEC 10).
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isJobId } from '../../src/relay/jobs/job-id.js';
import { completeUtf8Length, readOutputPiece } from '../../src/relay/jobs/utf8-output.js';
import { tempDir } from '../helpers/daemon.js';

const dir = tempDir('uscmdrelay-job-output-');

describe('completeUtf8Length', () => {
  it('keeps whole characters and holds back an incomplete one at the end', () => {
    const euro = Buffer.from('€'); // e2 82 ac
    const smile = Buffer.from('😀'); // f0 9f 98 80
    assert.equal(completeUtf8Length(Buffer.from('abc')), 3);
    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('a'), euro])), 4);
    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)])), 1);
    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)])), 1);
    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('a'), smile.subarray(0, 3)])), 1);
    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('a'), smile])), 5);
    assert.equal(completeUtf8Length(Buffer.from('é').subarray(0, 1)), 0);
    assert.equal(completeUtf8Length(Buffer.alloc(0)), 0);
  });

  it('does not hold back bytes that can never become a character', () => {
    assert.equal(completeUtf8Length(Buffer.from([0x61, 0xff])), 2);
    assert.equal(completeUtf8Length(Buffer.from([0x61, 0xc0])), 2); // overlong lead
    assert.equal(completeUtf8Length(Buffer.from([0x61, 0x80, 0x80, 0x80])), 4); // stray continuations
  });
});

describe('readOutputPiece', () => {
  it('gives back exactly the bytes written, piece by piece, whatever the piece size', async () => {
    const path = join(dir, 'mixed.out');
    const text = 'aé€😀'.repeat(2000);
    writeFileSync(path, text);
    const bytes = Buffer.byteLength(text);
    for (const max of [1, 2, 3, 4, 5, 7, 1000, 65_536]) {
      const pieces: string[] = [];
      let offset = 0;
      for (;;) {
        const piece = await readOutputPiece(path, offset, true, max);
        if (piece.output === '') break;
        assert.ok(piece.nextOffset - offset <= max, `piece of ${piece.nextOffset - offset} bytes for max ${max}`);
        // Below 4 bytes a piece may not hold a whole character: it then gives the raw bytes.
        if (max >= 4) assert.ok(!piece.output.includes('\uFFFD'));
        pieces.push(piece.output);
        offset = piece.nextOffset;
      }
      assert.equal(offset, bytes);
      if (max >= 4) assert.equal(pieces.join(''), text);
    }
  });

  it('holds back a character cut at the end until its last byte is written', async () => {
    const path = join(dir, 'growing.out');
    const smile = Buffer.from('😀');
    writeFileSync(path, Buffer.concat([Buffer.from('ok '), smile.subarray(0, 2)]));
    const first = await readOutputPiece(path, 0, false);
    assert.deepEqual([first.output, first.nextOffset, first.atEnd], ['ok ', 3, false]);
    const nothing = await readOutputPiece(path, 3, false);
    assert.deepEqual([nothing.output, nothing.nextOffset], ['', 3]);
    appendFileSync(path, smile.subarray(2));
    const rest = await readOutputPiece(path, 3, false);
    assert.deepEqual([rest.output, rest.nextOffset, rest.atEnd], ['😀', 7, true]);
  });

  it('gives an incomplete last character as U+FFFD once the job has ended', async () => {
    const path = join(dir, 'cut.out');
    writeFileSync(path, Buffer.concat([Buffer.from('x'), Buffer.from('€').subarray(0, 2)]));
    const piece = await readOutputPiece(path, 1, true);
    assert.deepEqual([piece.output, piece.nextOffset, piece.atEnd], ['\uFFFD', 3, true]);
  });

  it('answers nothing past the end, and for a file that does not exist yet', async () => {
    const path = join(dir, 'short.out');
    writeFileSync(path, 'abc');
    assert.deepEqual(await readOutputPiece(path, 10, true), { output: '', nextOffset: 10, atEnd: true });
    assert.deepEqual(await readOutputPiece(join(dir, 'none.out'), 0, false), { output: '', nextOffset: 0, atEnd: true });
  });

  it('caps one answer at 1 MiB by default', async () => {
    const path = join(dir, 'big.out');
    writeFileSync(path, Buffer.alloc(3 * 1024 * 1024, 'x'));
    const piece = await readOutputPiece(path, 0, true);
    assert.equal(piece.nextOffset, 1024 * 1024);
    assert.equal(piece.atEnd, false);
  });
});

describe('isJobId', () => {
  it('takes 32 lower-case hex digits and nothing else', () => {
    assert.equal(isJobId('0123456789abcdef0123456789abcdef'), true);
    for (const bad of ['', '../../etc/passwd', '0123456789ABCDEF0123456789ABCDEF', '0123456789abcdef0123456789abcde', '0123456789abcdef0123456789abcdef0', '0123456789abcdef/123456789abcdef', 42, null]) {
      assert.equal(isJobId(bad), false, String(bad));
    }
  });
});
