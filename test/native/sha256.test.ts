// The addon's sha256 (the hash of every presented key): the bytes crypto.hash gives, for any
// string a request can carry, and what hashKey uses.
import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashKey } from '../../src/config/index.js';
import { loadNativeAddon } from '../../src/native/addon.js';

const addon = loadNativeAddon();

// Keys as JSON can carry them: empty, ASCII, multi-byte, astral, a lone surrogate (JSON's
// "\ud800"), a NUL, and longer than the addon's on-stack copy.
const TEXTS = ['', 'abc', 'k3y-0123456789abcdef', 'é中😀', '\ud800lone', 'a\u0000b', 'x'.repeat(255), 'y'.repeat(256), 'z'.repeat(100_000)];

describe('sha256', { skip: (addon?.sha256 === undefined) && 'no addon, or a Node without OpenSSL SHA256_*' }, () => {
  it('gives what crypto.hash gives, and hashKey uses it', () => {
    const sha256 = addon?.sha256 as (text: string) => Buffer;
    for (const text of TEXTS) {
      const expected = hash('sha256', text, 'buffer');
      assert.deepEqual(sha256(text), expected, JSON.stringify(text.slice(0, 12)));
      assert.deepEqual(hashKey(text), expected);
    }
  });

  it('refuses what is not a string with a TypeError', () => {
    const sha256 = addon?.sha256 as unknown as (text: unknown) => Buffer;
    assert.throws(() => sha256(5), TypeError);
    assert.throws(() => sha256(Buffer.from('abc')), TypeError);
  });
});
