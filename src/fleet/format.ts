// The sender's output (SPEC 9): a table for people, JSON lines and remaphore's CSV for scripts.
import { randomBytes } from 'node:crypto';
import { codes } from '../protocol/index.js';
import type { FleetRow } from './collect.js';

export type OutputFormat = 'table' | 'json' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];
export const DEFAULT_OUTPUT_FORMAT: OutputFormat = 'table';

const MISSING_ACKED = 'acknowledged, but no answer before the timeout';
const MISSING_SILENT = 'no acknowledgement';

// The whole output for these rows, ending with a newline when there is any row.
export function formatRows(rows: readonly FleetRow[], format: OutputFormat, tag = randomBytes(8).toString('hex')): string {
  if (format === 'json') return rows.map((row) => `${JSON.stringify(jsonRow(row))}\n`).join('');
  if (format === 'csv') return rows.map((row) => csvRow(row, tag)).join('');
  return tableRows(rows);
}

function missingMessage(row: Extract<FleetRow, { state: 'missing' }>): string {
  if (row.queue) return row.queue.message;
  return row.acked ? MISSING_ACKED : MISSING_SILENT;
}

function missingStatus(row: Extract<FleetRow, { state: 'missing' }>): string {
  return row.queue?.status ?? 'missing';
}

// `agent`, the 2.2 fields, `verified`; a missing agent has status "missing" and null fields.
function jsonRow(row: FleetRow): object {
  if (row.state === 'answered') return { agent: row.agent, ...row.response, verified: row.verified };
  return {
    agent: row.agent,
    status: missingStatus(row),
    message: missingMessage(row),
    code: null,
    exit_code: null,
    signal: null,
    duration_ms: null,
    request_id: null,
    verified: row.verified,
  };
}

// remaphore: `destination,exit-code,output`; output with newlines framed by `--> TAG`/`--< TAG`.
// A relay error has no exit code; its output says `error CODE: message` so nothing is lost.
function csvRow(row: FleetRow, tag: string): string {
  let exit = '';
  let output: string;
  if (row.state === 'missing') output = `${missingStatus(row)}: ${missingMessage(row)}`;
  else {
    const { response } = row;
    exit = response.exit_code === null ? '' : String(response.exit_code);
    output = response.code === codes.OK.code || response.code === codes.EXIT_NONZERO.code ? response.message : `error ${response.code}: ${response.message}`;
  }
  const line = `${row.agent},${exit},${output}`;
  return output.includes('\n') ? `--> ${tag}\n${line}\n--< ${tag}\n` : `${line}\n`;
}

function tableRows(rows: readonly FleetRow[]): string {
  const cells = rows.map((row) =>
    row.state === 'answered'
      ? [row.agent, String(row.response.code), row.response.exit_code === null ? '-' : String(row.response.exit_code), row.response.message]
      : [row.agent, missingStatus(row), '-', missingMessage(row)],
  );
  const all = [['AGENT', 'CODE', 'EXIT', 'OUTPUT'], ...cells];
  const widths = [0, 1, 2].map((column) => Math.max(...all.map((cell) => (cell[column] ?? '').length)));
  const indent = ' '.repeat(widths.reduce((sum, width) => sum + width + 2, 0));
  return all
    .map((cell) => {
      const head = [0, 1, 2].map((column) => (cell[column] ?? '').padEnd(widths[column] ?? 0)).join('  ');
      const [first = '', ...more] = (cell[3] ?? '').split('\n');
      return [`${head}  ${first}`.trimEnd(), ...more.map((line) => `${indent}${line}`)].join('\n');
    })
    .map((line) => `${line}\n`)
    .join('');
}
