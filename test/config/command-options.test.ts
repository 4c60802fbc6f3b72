// The one table of [cluster::name] options (src/config/command-options.ts): well formed, and the
// README's "Command options" section documents exactly its options.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { COMMAND_OPTIONS } from '../../src/config/command-options.js';

test('every option has a lower-case name, its own field and a one-line doc', () => {
  const names = COMMAND_OPTIONS.map((declared) => declared.name);
  const fields = COMMAND_OPTIONS.map((declared) => declared.field);
  assert.equal(new Set(names).size, names.length, 'names are unique');
  assert.equal(new Set(fields).size, fields.length, 'fields are unique');
  for (const declared of COMMAND_OPTIONS) {
    assert.match(declared.name, /^[a-z_]+$/u, 'configparser stores option names lower-case');
    assert.ok(declared.doc.length > 0 && !declared.doc.includes('\n'), `${declared.name}: one doc line`);
  }
});

test('the README has one "Command options" heading for every option of the table, and no other', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Command options');
  assert.ok(start !== -1, 'README has a Command options section');
  const end = readme.indexOf('\n## ', start + 1);
  const headings = readme.slice(start, end).split('\n').filter((line) => line.startsWith('### '));
  const documented = headings.flatMap((heading) => [...heading.matchAll(/`([a-z_]+)`/gu)].map((match) => match[1]));
  assert.deepEqual(documented, COMMAND_OPTIONS.map((declared) => declared.name));
});
