// SPEC 11's status table, code by code, in-process: every code of protocol/codes.ts has its
// HTTP status (the integration tests prove the same through the real daemon, save 9999).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codes, type CodeName } from '../../../src/protocol/index.js';
import { httpStatusOf } from '../../../src/server/http/status.js';

const EXPECTED: Record<CodeName, number> = {
  OK: 200,
  EXIT_NONZERO: 200,
  TIMED_OUT: 200,
  OUTPUT_CAP: 200,
  KILLED_BY_SIGNAL: 200,
  ARGS_REJECTED: 400,
  PAYLOAD_REJECTED: 400,
  MALFORMED: 400,
  AUTH_FAILED: 401,
  UNKNOWN_CLUSTER: 404,
  UNKNOWN_COMMAND: 404,
  UNKNOWN_JOB: 404,
  REQUEST_TIMEOUT: 408,
  REQUEST_TOO_LARGE: 413,
  THROTTLED: 429,
  BUSY: 429,
  TOO_MANY_CONNECTIONS: 429,
  START_FAILED: 500,
  INTERNAL: 500,
  CANCELLED: 503,
};

const isCodeName = (name: string): name is CodeName => name in codes;

describe('HTTP status of each relay code', () => {
  for (const name of Object.keys(codes).filter(isCodeName)) {
    it(`${name} → ${EXPECTED[name]}`, () => {
      assert.equal(httpStatusOf(codes[name].code), EXPECTED[name]);
    });
  }
  it('covers every code of the table, and an unknown code is 500', () => {
    assert.deepEqual(Object.keys(codes).sort(), Object.keys(EXPECTED).sort());
    assert.equal(httpStatusOf(4242), 500);
  });
});
