// The README's markdown tables, for tests that hold the docs to the code's tables.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

// The cells of one table row; `\|` inside a cell is a literal bar.
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/gu, '')
    .split(/(?<!\\)\|/u)
    .map((cell) => cell.trim().replace(/\\\|/gu, '|'));
}

// The first table after the heading line `heading` (e.g. '### Codes'): its body rows, without
// the header and the |---| line. Throws when there is no such heading or table.
export function readmeTableUnder(heading: string): string[][] {
  const lines = README.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`README has no heading ${heading}`);
  const first = lines.findIndex((line, index) => index > start && line.startsWith('|'));
  if (first === -1) throw new Error(`README has no table under ${heading}`);
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}
