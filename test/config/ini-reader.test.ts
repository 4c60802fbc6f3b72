// readIni against configparser's rules (CPython RawConfigParser._read, strict=True); the expected
// values were checked against Python 3.11's configparser on the same text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeIni, readIni, type IniReadResult } from '../../src/config/index.js';

// The values of one section, as a plain object for deepEqual (tests only; names here are tame).
function values(result: IniReadResult, section: string): Record<string, string> {
  const found = result.document.sections.get(section);
  assert.ok(found, `section [${section}] exists`);
  return Object.fromEntries([...found.options].map(([name, option]) => [name, option.value]));
}

// Reads text that must have no syntax error.
function readClean(text: string): IniReadResult {
  const result = readIni(text, 'test.conf');
  assert.deepEqual(result.errors, []);
  return result;
}

test('`;` and `#` inside a value are part of it (no inline comments)', () => {
  const result = readClean('[s]\nx = sh -c "a; b" # c\ny = a;b#c\n');
  assert.deepEqual(values(result, 's'), { x: 'sh -c "a; b" # c', y: 'a;b#c' });
});

test('full-line comments start with # or ; after leading white space', () => {
  const result = readClean('# top\n; top\n[s]\n  # indented comment\n\t; tab comment\nx = 1\n');
  assert.deepEqual(values(result, 's'), { x: '1' });
});

test('`key: value` works, and the first `=` or `:` splits', () => {
  const result = readClean('[s]\nkey: value\nk2 : v2 = 3\nk3=a:b\nurl = http://h:80/\n');
  assert.deepEqual(values(result, 's'), { key: 'value', k2: 'v2 = 3', k3: 'a:b', url: 'http://h:80/' });
});

test('white space around names and values is stripped; an empty value is kept', () => {
  const result = readClean('[s]\n   spaced   =    value with  inner   \nempty =\nalso:\n');
  assert.deepEqual(values(result, 's'), { spaced: 'value with  inner', empty: '', also: '' });
});

test('option names are lower-cased, section names are verbatim', () => {
  const result = readClean('[MixedCase]\nUpTime = /usr/bin/uptime\n');
  assert.deepEqual(values(result, 'MixedCase'), { uptime: '/usr/bin/uptime' });
  assert.equal(result.document.sections.has('mixedcase'), false);
});

test('dotted and `::` section names are verbatim; the header regex is greedy', () => {
  const result = readClean('[a.b::c]\nk = v\n[x] y]\nk = 1\n[t] trailing text\nk = 2\n[ spaced ]\nk = 3\n');
  assert.deepEqual([...result.document.sections.keys()], ['a.b::c', 'x] y', 't', ' spaced ']);
});

test('indented lines continue a value; empty lines inside are kept, trailing ones dropped', () => {
  const result = readClean('[s]\nx = 1\n  two\n\n  four\n\n\ny = 2\n');
  assert.deepEqual(values(result, 's'), { x: '1\ntwo\n\nfour', y: '2' });
  const x = result.document.sections.get('s')?.options.get('x');
  assert.equal(x?.line, 2);
  assert.equal(x?.lastLine, 5);
});

test('a comment line inside a continued value is skipped, not kept', () => {
  const result = readClean('[s]\nx = 1\n# comment\n  cont\n    ; another\n  more\n');
  assert.deepEqual(values(result, 's'), { x: '1\ncont\nmore' });
});

test('continuation is relative to the option indent; equal indent starts a new option', () => {
  const result = readClean('[s]\n  a = 1\n  b = 2\n    b2\nc = 3\n  c = not a new option\n\t\td\n');
  assert.deepEqual(values(result, 's'), { a: '1', b: '2\nb2', c: '3\nc = not a new option\nd' });
});

test('an indented line right after a header is an option, not a continuation', () => {
  const result = readClean('[s]\n   indented = 1\n   more = 2\n');
  assert.deepEqual(values(result, 's'), { indented: '1', more: '2' });
});

test('the reader keeps % as written: interpolation comes after the files are merged', () => {
  const result = readClean('[DEFAULT]\nd = 1\n[s]\ndate = date +%s\nx = %(d)s %%\n');
  assert.deepEqual(values(result, 's'), { date: 'date +%s', x: '%(d)s %%' });
});

test('[DEFAULT] is kept apart from the sections', () => {
  const result = readClean('[DEFAULT]\nshared = 1\n[a]\nx = 2\n[DEFAULT]\nmore = 3\n');
  assert.deepEqual([...result.document.sections.keys()], ['a']);
  assert.deepEqual(Object.fromEntries([...result.document.defaults].map(([k, o]) => [k, o.value])), {
    shared: '1',
    more: '3',
  });
});

test('line numbers of headers and options are kept; lastLine covers the section', () => {
  const result = readClean('; c\n[a]\nx = 1\n\n[b]\ny = 2\n  cont\n\n# tail\n');
  const a = result.document.sections.get('a');
  const b = result.document.sections.get('b');
  assert.deepEqual([a?.line, a?.lastLine, a?.options.get('x')?.line], [2, 3, 3]);
  assert.deepEqual([b?.line, b?.lastLine, b?.options.get('y')?.lastLine], [5, 7, 7]);
  assert.equal(a?.file, 'test.conf');
});

test('CRLF and lone CR end lines, a leading BOM is ignored', () => {
  const result = readClean('\uFEFF[s]\r\nx = 1\r\n  two\ry = 2');
  assert.deepEqual(values(result, 's'), { x: '1\ntwo', y: '2' });
});

test('a duplicate section within one file is an error with both lines', () => {
  const result = readIni('[a]\nx = 1\n[b]\n[a]\ny = 2\n', 'f.conf');
  assert.deepEqual(result.errors, [{ file: 'f.conf', line: 4, section: 'a', message: 'duplicate section (first at line 1)' }]);
  assert.deepEqual(values(result, 'a'), { x: '1' });
});

test('a duplicate option within one section is an error, even in another case', () => {
  const result = readIni('[a]\nx = 1\nX = 2\n  cont\n', 'f.conf');
  assert.deepEqual(result.errors, [
    { file: 'f.conf', line: 3, section: 'a', option: 'x', message: 'duplicate option (first at line 2)' },
  ]);
  assert.deepEqual(values(result, 'a'), { x: '1' });
});

test('a duplicate option within [DEFAULT] is an error too', () => {
  const result = readIni('[DEFAULT]\nx = 1\n[DEFAULT]\nx = 2\n', 'f.conf');
  assert.deepEqual(result.errors, [
    { file: 'f.conf', line: 4, section: 'DEFAULT', option: 'x', message: 'duplicate option (first at line 2)' },
  ]);
});

test('a line before any section header is an error, reported once', () => {
  const result = readIni('\n# fine\nx = 1\ny = 2\n[s]\nz = 3\n', 'f.conf');
  assert.deepEqual(result.errors, [{ file: 'f.conf', line: 3, message: 'a line before any [section] header' }]);
  assert.deepEqual(values(result, 's'), { z: '3' });
});

test('a line that is no option, header, comment or continuation is an error with its number', () => {
  const result = readIni('[s]\nx = 1\njust words\n[t\ny = 2\n', 'f.conf');
  const message = 'not a `name = value` line, a [section] header, a comment or an indented continuation';
  assert.deepEqual(result.errors, [
    { file: 'f.conf', line: 3, section: 's', message },
    { file: 'f.conf', line: 4, section: 's', message },
  ]);
  assert.deepEqual(values(result, 's'), { x: '1', y: '2' });
});

test('an option without a name is an error', () => {
  const result = readIni('[s]\n= value\n', 'f.conf');
  assert.deepEqual(result.errors, [{ file: 'f.conf', line: 2, section: 's', message: 'an option without a name' }]);
});

test('__proto__ and constructor are ordinary section and option names', () => {
  const result = readClean('[__proto__]\n__proto__ = a\nconstructor = b\n[constructor]\ntoString = c\n');
  assert.equal(result.document.sections.get('__proto__')?.options.get('__proto__')?.value, 'a');
  assert.equal(result.document.sections.get('__proto__')?.options.get('constructor')?.value, 'b');
  assert.equal(result.document.sections.get('constructor')?.options.get('tostring')?.value, 'c');
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});

test('mergeIni: later files override key by key; sections keep their first place', () => {
  const first = readClean('[DEFAULT]\nd = 1\n[a]\nx = 1\ny = 1\n[b]\nz = 1\n').document;
  const second = readIni('[a]\ny = 2\nw = 2\n[DEFAULT]\nd = 2\n[c]\nq = 2\n', 'second.conf').document;
  const merged = mergeIni([first, second]);
  assert.deepEqual(merged.files, ['test.conf', 'second.conf']);
  assert.deepEqual([...merged.sections.keys()], ['a', 'b', 'c']);
  const a = merged.sections.get('a');
  assert.deepEqual(Object.fromEntries([...(a?.options ?? [])].map(([k, o]) => [k, o.value])), { x: '1', y: '2', w: '2' });
  assert.equal(a?.options.get('y')?.file, 'second.conf');
  assert.equal(a?.options.get('x')?.file, 'test.conf');
  assert.equal(merged.defaults.get('d')?.value, '2');
});

test('the same section in two files is not a duplicate', () => {
  const first = readClean('[a]\nx = 1\n').document;
  const second = readClean('[a]\nx = 2\n').document;
  assert.equal(mergeIni([first, second]).sections.get('a')?.options.get('x')?.value, '2');
});
