// Output cut into pieces on character boundaries (the splitter), each piece decoded on its own,
// must give exactly what the WHATWG decoder (TextDecoder, replacement mode, BOM kept) gives for
// the whole stream: U+FFFD per maximal invalid subpart, characters split across chunks kept whole.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createUtf8Splitter } from '../../src/exec/decode.js';

// Decodes chunk by chunk, as the output collector does with the splitter's pieces.
function createStreamDecoder(): { write(chunk: Buffer): string; end(): string } {
  const splitter = createUtf8Splitter();
  return { write: (chunk) => splitter.take(chunk).toString('utf8'), end: () => splitter.end().toString('utf8') };
}

// Bytes that make valid, truncated, overlong, surrogate and out-of-range sequences.
const POOL = [0x41, 0x0a, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xc0, 0x80, 0xed, 0xa0, 0xbf, 0xf4, 0x90, 0xef, 0xbb];

// A small deterministic generator, so a failure is reproducible.
function generator(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % below;
  };
}

it('decodes any byte stream, cut anywhere, as TextDecoder decodes it whole', () => {
  const next = generator(7);
  for (let trial = 0; trial < 5000; trial += 1) {
    const length = next(40);
    const bytes = Buffer.from(Array.from({ length }, () => POOL[next(POOL.length)] ?? 0));
    const cuts = [0, ...Array.from({ length: next(4) }, () => next(length + 1)).sort((a, b) => a - b), length];
    const decoder = createStreamDecoder();
    let text = '';
    for (let i = 0; i < cuts.length - 1; i += 1) text += decoder.write(bytes.subarray(cuts[i], cuts[i + 1]));
    text += decoder.end();
    const expected = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    assert.equal(text, expected, `bytes ${bytes.toString('hex')} cut at ${cuts.join(',')}`);
  }
});

it('keeps a byte order mark, and gives nothing for a stream that wrote nothing', () => {
  const decoder = createStreamDecoder();
  assert.equal(decoder.write(Buffer.from([0xef, 0xbb])) + decoder.write(Buffer.from([0xbf, 0x41])) + decoder.end(), '\ufeffA');
  assert.equal(createStreamDecoder().end(), '');
});
