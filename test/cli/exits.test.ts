// The CLI's exit statuses (cli/exits.ts): the README's tables for `send`, `signal` and `wait`
// list exactly the statuses those commands exit with, and send's rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exits, sendExitStatus } from '../../src/cli/exits.js';
import type { FleetRow } from '../../src/fleet/index.js';
import { codes, type RelayResponse } from '../../src/protocol/index.js';
import { readmeTableUnder } from '../helpers/readme-tables.js';

type ExitName = keyof typeof exits;

// Which README table lists each status; the call table is checked with the codes
// (test/protocol/codes.test.ts). Entries in no table are documented in prose.
const tables = {
  call: ['OK', 'USAGE', 'STDOUT_CLOSED', 'NO_ANSWER'],
  send: ['OK', 'SEND_FAILED', 'USAGE', 'NO_AGENT_ANSWERED'],
  wait: ['OK', 'WAIT_TIMED_OUT', 'USAGE', 'BROKER_UNREACHABLE'],
  signal: ['OK', 'USAGE', 'BROKER_UNREACHABLE'],
} satisfies Record<string, ExitName[]>;
const inProse: ExitName[] = ['FATAL', 'KEY_TOOL_REFUSED', 'COMMAND_NOT_STARTED'];

const statuses = (names: ExitName[]): number[] => names.map((name) => exits[name]);

describe('the exit table', () => {
  it('has every entry in a README table or in prose', () => {
    const documented = new Set([...Object.values(tables).flat(), ...inProse]);
    assert.deepEqual(Object.keys(exits).filter((name) => !documented.has(name as ExitName)), []);
  });

  it('is the README\'s `send` table', () => {
    const rows = readmeTableUnder('### Collection, output, exit status');
    assert.deepEqual(rows.map(([status]) => Number(status)), statuses(tables.send));
  });

  it('is the README\'s `signal`/`wait` table', () => {
    const rows = readmeTableUnder('### Semaphores: signal and wait');
    const listed = (column: number) => rows.filter((row) => row[0] !== 'other' && (row[column] ?? '') !== '').map(([status]) => Number(status));
    assert.deepEqual(listed(1), statuses(tables.wait));
    assert.deepEqual(listed(2), statuses(tables.signal));
    const other = rows.find(([status]) => status === 'other');
    assert.match(other?.[1] ?? '', new RegExp(`\\b${exits.COMMAND_NOT_STARTED} if it cannot start`, 'u'));
  });
});

describe('sendExitStatus', () => {
  const response: RelayResponse = { status: 'ok', message: '', code: codes.OK.code, exit_code: 0, signal: null, duration_ms: 3, request_id: 'r' };
  const answered = (code: number): FleetRow => ({ agent: 'a', state: 'answered', response: { ...response, code }, verified: false });
  const missing: FleetRow = { agent: 'b', state: 'missing', acked: true, verified: false };

  it('is OK only if someone answered and every answer is code 0', () => {
    assert.equal(sendExitStatus([answered(codes.OK.code), answered(codes.OK.code)], null), exits.OK);
    assert.equal(sendExitStatus([answered(codes.OK.code), answered(codes.EXIT_NONZERO.code)], null), exits.SEND_FAILED);
    assert.equal(sendExitStatus([answered(codes.OK.code), missing], null), exits.SEND_FAILED);
    assert.equal(sendExitStatus([answered(codes.OK.code)], 2), exits.SEND_FAILED);
    assert.equal(sendExitStatus([], null), exits.NO_AGENT_ANSWERED);
    assert.equal(sendExitStatus([missing], null), exits.NO_AGENT_ANSWERED);
  });

  it('keeps remaphore\'s numbers', () => {
    assert.deepEqual([exits.OK, exits.SEND_FAILED, exits.USAGE, exits.NO_AGENT_ANSWERED], [0, 1, 2, 3]);
  });
});
