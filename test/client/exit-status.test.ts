// The table of `call` exit statuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codes, exitStatusFor, EXIT_STATUS_BY_CODE } from '../../src/index.js';

const answer = (code: number, exit_code: number | null = null, signal: string | null = null) => ({ code, exit_code, signal });

describe('exitStatusFor', () => {
  it('passes the command status through', () => {
    assert.equal(exitStatusFor(answer(codes.OK.code, 0)), 0);
    assert.equal(exitStatusFor(answer(codes.EXIT_NONZERO.code, 3)), 3);
    assert.equal(exitStatusFor(answer(codes.EXIT_NONZERO.code, 255)), 255);
  });

  it('maps a signal death to 128 + its number', () => {
    assert.equal(exitStatusFor(answer(codes.KILLED_BY_SIGNAL.code, null, 'SIGSEGV')), 139);
    assert.equal(exitStatusFor(answer(codes.KILLED_BY_SIGNAL.code, null, 'SIGKILL')), 137);
    assert.equal(exitStatusFor(answer(codes.KILLED_BY_SIGNAL.code, null, null)), 254);
  });

  it('gives each relay refusal its fixed status', () => {
    const expected: Array<[number, number]> = [
      [codes.TIMED_OUT.code, 124],
      [codes.START_FAILED.code, 126],
      [codes.OUTPUT_CAP.code, 248],
      [codes.CANCELLED.code, 249],
      [codes.BUSY.code, 250],
      [codes.TOO_MANY_CONNECTIONS.code, 250],
      [codes.AUTH_FAILED.code, 251],
      [codes.THROTTLED.code, 251],
      [codes.UNKNOWN_CLUSTER.code, 252],
      [codes.UNKNOWN_COMMAND.code, 252],
      [codes.ARGS_REJECTED.code, 253],
      [codes.REQUEST_TOO_LARGE.code, 253],
      [codes.PAYLOAD_REJECTED.code, 253],
      [codes.REQUEST_TIMEOUT.code, 253],
      [codes.MALFORMED.code, 253],
      [codes.INTERNAL.code, 254],
      [4242, 254],
    ];
    for (const [code, status] of expected) assert.equal(exitStatusFor(answer(code)), status, `code ${code}`);
  });

  it('has a fixed status for every code that is not the command\'s own', () => {
    const own = new Set(['OK', 'EXIT_NONZERO', 'KILLED_BY_SIGNAL']);
    const missing = Object.keys(codes).filter((name) => !own.has(name) && !(name in EXIT_STATUS_BY_CODE));
    assert.deepEqual(missing, []);
  });
});
