// shlexSplit against the outputs of CPython 3.11's shlex.split for the same inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shlexSplit, ShlexError } from '../../src/config/index.js';

// [input, what Python's shlex.split returned, or the ValueError message it raised]
const PYTHON_OUTPUTS: [string, string[] | { error: string }][] = [
  ["a b  c", ["a", "b", "c"]],
  ["  lead trail  ", ["lead", "trail"]],
  ["", []],
  ["   ", []],
  ["'single  quoted' x", ["single  quoted", "x"]],
  ["\"double  quoted\" x", ["double  quoted", "x"]],
  ["a'b c'd", ["ab cd"]],
  ["a\"b c\"d", ["ab cd"]],
  ["''", [""]],
  ["\"\"", [""]],
  ["a '' b", ["a", "", "b"]],
  ["x\"\"", ["x"]],
  ["'a\\b'", ["a\\b"]],
  ["\"a\\b\"", ["a\\b"]],
  ["\"a\\\\b\"", ["a\\b"]],
  ["\"a\\\"b\"", ["a\"b"]],
  ["\"a\\$b\"", ["a\\$b"]],
  ["\"a\\`b\"", ["a\\`b"]],
  ["a\\ b", ["a b"]],
  ["a\\\\b", ["a\\b"]],
  ["\\\"x", ["\"x"]],
  ["\\'", ["'"]],
  ["a\\\nb", ["a\nb"]],
  ["tab\tsep\nnl", ["tab", "sep", "nl"]],
  ["date +%s", ["date", "+%s"]],
  ["sh -c \"a; b\"", ["sh", "-c", "a; b"]],
  ["echo # not a comment", ["echo", "#", "not", "a", "comment"]],
  ["echo \"it's\"", ["echo", "it's"]],
  ["'\"'", ["\""]],
  ["\"'\"", ["'"]],
  ["a\\", { error: "No escaped character" }],
  ["\"abc\\", { error: "No escaped character" }],
  ["'abc", { error: "No closing quotation" }],
  ["\"abc", { error: "No closing quotation" }],
  ["a\"b", { error: "No closing quotation" }],
  ["x'", { error: "No closing quotation" }],
  ["héllo wörld", ["héllo", "wörld"]],
  ["\"é\\é\"", ["é\\é"]],
];

for (const [input, expected] of PYTHON_OUTPUTS) {
  test(`shlexSplit(${JSON.stringify(input)}) is what Python returns`, () => {
    if (Array.isArray(expected)) {
      assert.deepEqual(shlexSplit(input), expected);
    } else {
      assert.throws(() => shlexSplit(input), (error: unknown) => {
        assert.ok(error instanceof ShlexError);
        assert.equal(error.message, expected.error);
        return true;
      });
    }
  });
}

test('inside double quotes a backslash escapes only " and \\ (Python, not sh)', () => {
  assert.deepEqual(shlexSplit('"\\$HOME \\` \\n \\" \\\\"'), ['\\$HOME \\` \\n " \\']);
});

test('non-ASCII white space does not split words', () => {
  assert.deepEqual(shlexSplit('a\u00a0b c'), ['a\u00a0b', 'c']);
});
