// Printing: the machine header and aligned tables that are also Markdown, so the output can be
// pasted into the README as it is.
import { cpus, loadavg, totalmem } from 'node:os';

export function machineHeader(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  return [
    `date:    ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `node:    ${process.version} (${process.platform} ${process.arch})`,
    `cpu:     ${model}, ${cores.length} cores`,
    `memory:  ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `loadavg: ${loadavg().map((value) => value.toFixed(2)).join(' ')} (at start)`,
  ].join('\n');
}

// Numbers with a fixed count of decimals; not-a-number as "n/a".
export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

// The first column is left-aligned (labels), every other one right-aligned (figures).
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const pad = (cell: string, column: number): string =>
    column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0);
  const line = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`));
  return [line(head), `|${rule.join('|')}|`, ...rows.map(line)].join('\n');
}

export function section(title: string): string {
  return `\n## ${title}\n`;
}
