// Collection on the sender: verification against --agents, completion rules, rows, formats
// (send's exit status: test/cli/exits.test.ts).
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  formatRows,
  generateIdentity,
  ReplyCollector,
  signBody,
  type FleetRow,
  type Identity,
  type ReplyEnvelope,
} from '../../src/fleet/index.js';
import type { RelayResponse } from '../../src/protocol/index.js';

function identity(): Identity {
  const { pem, publicKey } = generateIdentity();
  return { privateKey: createPrivateKey(pem), publicKey };
}

const ok = (message: string): RelayResponse => ({ status: 'ok', message, code: 0, exit_code: 0, signal: null, duration_ms: 3, request_id: 'r' });
const failed: RelayResponse = { status: 'error', message: 'line1\nline2', code: 3001, exit_code: 2, signal: null, duration_ms: 3, request_id: 'r2' };

function reply(agent: Identity | null, name: string, type: 'ack' | 'response', response?: RelayResponse, nonce = 'N'): ReplyEnvelope {
  const body =
    type === 'ack'
      ? { v: 1 as const, type, agent: name, nonce, ts: 1 }
      : { v: 1 as const, type, agent: name, nonce, ts: 1, response: response ?? ok('') };
  return agent ? signBody({ ...body, agent_public_key: agent.publicKey }, agent) : body;
}

describe('ReplyCollector', () => {
  const web1 = identity();
  const web2 = identity();
  const trusted = new Map([
    ['web1.prod', web1.publicKey],
    ['web2.prod', web2.publicKey],
  ]);

  it('without --agents accepts replies unverified and waits for every acked agent', () => {
    const collector = new ReplyCollector({ nonce: 'N', to: 'ALL', trusted: null });
    assert.equal(collector.accept(reply(null, 'a', 'ack')), 'ack');
    assert.equal(collector.accept(reply(null, 'b', 'ack')), 'ack');
    assert.equal(collector.accept(reply(null, 'a', 'response', ok('hi'))), 'answer');
    assert.equal(collector.isComplete(null, true), false);
    assert.equal(collector.accept(reply(null, 'b', 'response', ok('yo'))), 'answer');
    assert.equal(collector.isComplete(null, false), false); // the ack window is still open
    assert.equal(collector.isComplete(null, true), true);
    assert.deepEqual(collector.rows().map((row) => [row.agent, row.state, row.verified]), [['a', 'answered', false], ['b', 'answered', false]]);
  });

  it('drops replies to another request and duplicates', () => {
    const collector = new ReplyCollector({ nonce: 'N', to: 'ALL', trusted: null });
    assert.deepEqual(collector.accept(reply(null, 'a', 'response', ok('x'), 'OTHER')), { dropped: 'reply to another request' });
    assert.equal(collector.accept(reply(null, 'a', 'response', ok('x'))), 'answer');
    assert.equal(collector.accept(reply(null, 'a', 'response', ok('forged second'))), 'duplicate');
    assert.equal((collector.rows()[0] as Extract<FleetRow, { state: 'answered' }>).response.message, 'x');
  });

  it('with --agents verifies, drops forged, unsigned and unlisted replies, and lists silent agents', () => {
    const attacker = identity();
    const collector = new ReplyCollector({ nonce: 'N', to: '*.prod', trusted });
    assert.deepEqual(collector.accept(reply(attacker, 'web1.prod', 'response', ok('forged'))), { dropped: 'bad signature' });
    assert.deepEqual(collector.accept(reply(null, 'web1.prod', 'response', ok('unsigned'))), { dropped: 'bad signature' });
    assert.deepEqual(collector.accept(reply(attacker, 'evil.prod', 'ack')), { dropped: 'agent not in --agents' });
    assert.equal(collector.accept(reply(web1, 'web1.prod', 'ack')), 'ack');
    assert.equal(collector.accept(reply(web1, 'web1.prod', 'response', ok('real'))), 'answer');
    assert.equal(collector.isComplete(null, true), false); // web2.prod is aimed at and listed
    const rows = collector.rows();
    assert.deepEqual(rows, [
      { agent: 'web1.prod', state: 'answered', response: ok('real'), verified: true },
      { agent: 'web2.prod', state: 'missing', acked: false, verified: false },
    ]);
  });

  it('with --expect is complete at N answers, ack window or not', () => {
    const collector = new ReplyCollector({ nonce: 'N', to: 'ALL', trusted: null });
    collector.accept(reply(null, 'a', 'response', ok('x')));
    assert.equal(collector.isComplete(2, false), false);
    collector.accept(reply(null, 'b', 'response', ok('x')));
    assert.equal(collector.isComplete(2, false), true);
  });
});

describe('formats', () => {
  const rows: FleetRow[] = [
    { agent: 'web1.prod', state: 'answered', response: ok('up 3 days'), verified: true },
    { agent: 'web2.prod', state: 'answered', response: failed, verified: true },
    { agent: 'web3.prod', state: 'answered', response: { ...ok('Unknown command: x::y'), status: 'error', code: 2001, exit_code: null }, verified: false },
    { agent: 'web4.prod', state: 'missing', acked: true, verified: false },
  ];

  it('table: one row per agent, multi-line output indented', () => {
    assert.equal(
      formatRows(rows, 'table'),
      [
        'AGENT      CODE     EXIT  OUTPUT',
        'web1.prod  0        0     up 3 days',
        'web2.prod  3001     2     line1',
        '                          line2',
        'web3.prod  2001     -     Unknown command: x::y',
        'web4.prod  missing  -     acknowledged, but no answer before the timeout',
        '',
      ].join('\n'),
    );
  });

  it('json: agent, the 2.2 fields and verified, one object a line', () => {
    const lines = formatRows(rows, 'json').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(lines[0], { agent: 'web1.prod', ...ok('up 3 days'), verified: true });
    assert.deepEqual(lines[3], {
      agent: 'web4.prod',
      status: 'missing',
      message: 'acknowledged, but no answer before the timeout',
      code: null,
      exit_code: null,
      signal: null,
      duration_ms: null,
      request_id: null,
      verified: false,
    });
  });

  it("csv: remaphore's destination,exit-code,output with --> / --< framing", () => {
    assert.equal(
      formatRows(rows, 'csv', 'TAG'),
      [
        'web1.prod,0,up 3 days',
        '--> TAG',
        'web2.prod,2,line1',
        'line2',
        '--< TAG',
        'web3.prod,,error 2001: Unknown command: x::y',
        'web4.prod,,missing: acknowledged, but no answer before the timeout',
        '',
      ].join('\n'),
    );
  });
});
