// The codes table (protocol/codes.ts) and the README's tables that describe it: the relay's
// codes, and the exit status of `uscmdrelay call` for each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exits } from '../../src/cli/exits.js';
import { codes, EXIT_NO_ANSWER, EXIT_RELAY_FAILURE, type ClientExit } from '../../src/protocol/index.js';
import { readmeTableUnder } from '../helpers/readme-tables.js';

const entries = Object.values(codes);

describe('the codes table', () => {
  it('has one entry per code', () => {
    assert.equal(new Set(entries.map((entry) => entry.code)).size, entries.length);
  });

  it('is what the web console calls each code it acts on (web/js/api.js RELAY_CODES)', () => {
    const api = readFileSync(join(import.meta.dirname, '..', '..', 'web', 'js', 'api.js'), 'utf8');
    const literal = /export const RELAY_CODES = Object\.freeze\(\{([^}]*)\}\)/u.exec(api)?.[1];
    assert.ok(literal, 'web/js/api.js declares RELAY_CODES');
    const consoleCodes = [...literal.matchAll(/(\w+): (\d+)/gu)].map(([, name = '', code]): [string, number] => [name, Number(code)]);
    assert.ok(consoleCodes.length > 0);
    const table: Readonly<Record<string, { code: number }>> = codes;
    assert.deepEqual(consoleCodes, consoleCodes.map(([name]) => [name, table[name]?.code]));
  });

  it('is the README\'s codes table, code for code and in order', () => {
    const readme = readmeTableUnder('### Codes').map(([code]) => Number(code));
    assert.deepEqual(readme, entries.map((entry) => entry.code));
  });
});

// How the README's call table writes the status column for each kind of ClientExit.
function statusCell(exit: ClientExit, code: number): string {
  if (exit === 'signal') return '128 + N';
  if (exit === 'command') return code === codes.OK.code ? '0' : '1–255';
  return String(exit);
}

// The codes a row of the README's call table cites: `code 3002: …`, `codes 3005, 9001: …`,
// `(code 3001)`; the row of status 0 ("the command ran and exited 0") stands for code 0.
function citedCodes([status = '', meaning = '']: string[]): number[] {
  if (status === '0') return [codes.OK.code];
  const cited = /\bcodes? (\d{4}(?:, \d{4})*)/u.exec(meaning);
  return cited?.[1] === undefined ? [] : cited[1].split(', ').map(Number);
}

describe('the README\'s "Exit status of `call`" table', () => {
  const rows = readmeTableUnder('#### Exit status of `call`');

  it('gives every code the status the codes table does, and cites each code once', () => {
    const expected = new Map<string, number[]>();
    for (const { code, exit } of entries) expected.set(statusCell(exit, code), [...(expected.get(statusCell(exit, code)) ?? []), code]);
    const readme = new Map(rows.map((row): [string, number[]] => [row[0] ?? '', citedCodes(row)]).filter(([, cited]) => cited.length > 0));
    assert.deepEqual(readme, expected);
  });

  it('lists the statuses that are no answer\'s code: no answer, a code unknown, stdout closed, usage', () => {
    const uncited = rows.filter((row) => citedCodes(row).length === 0).map(([status]) => Number(status));
    assert.deepEqual(uncited, [EXIT_NO_ANSWER, exits.STDOUT_CLOSED, exits.USAGE]);
    assert.equal(exits.NO_ANSWER, EXIT_NO_ANSWER);
    const unknownCode = rows.find(([status]) => status === String(EXIT_RELAY_FAILURE));
    assert.match(unknownCode?.[1] ?? '', /a code this client does not know/u);
  });
});
