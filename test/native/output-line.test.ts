// The addon's stream-mode line must be, byte for byte, what JSON.stringify writes for the same
// event decoded by TextDecoder: escapes, U+FFFD for invalid bytes, multibyte characters as is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUtf8Splitter, outputEvent, outputEventLine } from '../../src/exec/decode.js';
import { loadNativeAddon } from '../../src/native/addon.js';

const addon = loadNativeAddon();
const PREFIX = Buffer.from('{"event":"stdout","data":"');

// Every ASCII byte, and bytes that make valid, truncated, overlong and surrogate sequences.
const POOL = [...Array.from({ length: 128 }, (_, byte) => byte), 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xc0, 0x80, 0xed, 0xa0, 0xbf, 0xf4, 0x90, 0xef, 0xbb, 0xe0];

function generator(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % below;
  };
}

const expectedLine = (bytes: Buffer): string => `${JSON.stringify({ event: 'stdout', data: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) })}\n`;

describe('outputLine', { skip: addon === null && 'native addon not built' }, () => {
  it('writes what JSON.stringify writes, for any bytes', () => {
    const next = generator(11);
    for (let trial = 0; trial < 3000; trial += 1) {
      const bytes = Buffer.from(Array.from({ length: next(60) }, () => POOL[next(POOL.length)] ?? 0));
      assert.equal(addon?.outputLine(PREFIX, bytes).toString('utf8'), expectedLine(bytes), bytes.toString('hex'));
    }
  });

  it('copies long spans of text and characters whole, broken only where needed (the addon scans 16 bytes at a time)', () => {
    const next = generator(29);
    const pieces = ['plain text ', 'héllo ', 'wörld ✓ ', '😀', '"', '\\', '\n', '\u0001', 'ü'];
    for (let trial = 0; trial < 500; trial += 1) {
      const text = Array.from({ length: next(80) }, () => pieces[next(pieces.length)] ?? '').join('');
      const bytes = Buffer.from(text);
      // An invalid byte somewhere, sometimes: a span is cut there and goes on after it.
      if (bytes.length > 0 && next(3) === 0) bytes[next(bytes.length)] = [0xff, 0x80, 0xc3, 0xe2][next(4)] ?? 0xff;
      assert.equal(addon?.outputLine(PREFIX, bytes).toString('utf8'), expectedLine(bytes), bytes.toString('hex'));
    }
  });

  it('finds a byte to escape or validate at any place in plain text (the addon scans 8 or 16 bytes at a time)', () => {
    const specials = [[0x00], [0x1f], [0x20], [0x21], [0x22], [0x5c], [0x5b], [0x7f], [0x80], [0xff], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0x0a]];
    for (const special of specials) {
      for (let at = 0; at <= 40; at += 1) {
        const bytes = Buffer.from([...Buffer.alloc(at, 'a'), ...special, ...Buffer.alloc(40 - at, 'z')]);
        assert.equal(addon?.outputLine(PREFIX, bytes).toString('utf8'), expectedLine(bytes), bytes.toString('hex'));
      }
    }
  });

  it('handles a large chunk that needs more room than guessed (every byte escaped)', () => {
    const bytes = Buffer.alloc(300_000, 0x01);
    assert.equal(addon?.outputLine(PREFIX, bytes).toString('utf8'), expectedLine(bytes));
  });
});

describe('outputEventLine', () => {
  it('gives the line encodeLine would, whether the addon writes it or not', () => {
    const splitter = createUtf8Splitter();
    const text = 'héllo "wörld"\n\t\\ \u0001 😀';
    const bytes = Buffer.from(text);
    const event = outputEvent('stderr', splitter.take(bytes));
    assert.equal(event.data, text);
    assert.equal(outputEventLine(event).toString(), `${JSON.stringify({ event: 'stderr', data: text })}\n`);
    assert.deepEqual(JSON.parse(outputEventLine(event).toString()), { event: 'stderr', data: text });
  });
});
