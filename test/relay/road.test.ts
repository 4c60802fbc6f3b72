// The road in-process, without a daemon or a door: a request and a fake Credential go in, and
// each stage's refusal (or a success) comes out, with its audit line.
import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { Credential } from '../../src/auth/index.js';
import { hashKey, type CommandSpec, type ConfigSnapshot, type KeyEntry } from '../../src/config/index.js';
import { readRequest, RelayError, type RelayResponse, type WireRequest } from '../../src/protocol/index.js';
import { createRelay, type Caller, type Relay, type RelayOptions } from '../../src/relay/index.js';
import { makeCommand } from '../exec/helpers.js';

const SIGNER = 'x'.repeat(43); // the road takes the door's word that the signature was verified
const CALLER: Caller = { remoteAddress: '127.0.0.1', remotePort: 40000, transport: 'tcp' };

function keyEntry(label: string, fields: Partial<KeyEntry>): KeyEntry {
  return { label, description: '', keyHash: null, publicKey: null, clusters: '*', allowFrom: null, origin: { file: 'auth.conf', section: label }, ...fields };
}

function onlyFrom(address: string): BlockList {
  const list = new BlockList();
  list.addAddress(address);
  return list;
}

function command(cluster: string, name: string, fields: Partial<CommandSpec> = {}): CommandSpec {
  return makeCommand({ cluster, name, ...fields });
}

const commands: CommandSpec[] = [
  command('test', 'echo', { line: '/bin/echo', argv: ['/bin/echo'], args: { min: 0, max: 2 }, argPattern: /^(?:[a-z]+)$/ }),
  command('test', 'sleep', { line: '/bin/sleep 30', argv: ['/bin/sleep', '30'], args: { min: 0, max: 0 } }),
  command('other', 'true'),
];

function snapshotOf(keys: KeyEntry[]): ConfigSnapshot {
  const clusters = new Map<string, Map<string, CommandSpec>>();
  for (const spec of commands) clusters.set(spec.cluster, (clusters.get(spec.cluster) ?? new Map<string, CommandSpec>()).set(spec.name, spec));
  return { keys, clusters, files: [] };
}

const SNAPSHOT = snapshotOf([
  keyEntry('tester', { keyHash: hashKey('test-key'), clusters: new Set(['test']) }),
  keyEntry('elsewhere', { keyHash: hashKey('far-key'), allowFrom: onlyFrom('10.0.0.1') }),
  keyEntry('fleet', { publicKey: SIGNER }),
]);

const testKey: Credential = { kind: 'auth_key', key: 'test-key' };
const signer: Credential = { kind: 'signer', publicKey: SIGNER };

interface Road {
  relay: Relay;
  lines: Array<Record<string, unknown>>;
  authFailures: string[];
  ask: (request: WireRequest, credential?: Credential, snapshot?: ConfigSnapshot) => Promise<RelayResponse>;
}

function road(options: Partial<RelayOptions> = {}): Road {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const authFailures: string[] = [];
  const relay = createRelay({
    getSnapshot: () => SNAPSHOT,
    logger: pino({ level: 'debug' }, sink),
    observer: { requestFinished: () => undefined, authFailed: (reason) => authFailures.push(reason) },
    ...options,
  });
  return {
    relay,
    lines,
    authFailures,
    ask: async (wire, credential = testKey, snapshot) => {
      const entry = { request: readRequest(wire, false).request, credential, caller: CALLER };
      const response = await relay.handle(snapshot === undefined ? entry : { ...entry, snapshot }, { onOutput: null, clientGone: null });
      await endOfTurn(); // the audit line is logged at the end of the turn that answered
      return response;
    },
  };
}

const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const auditLines = (lines: Array<Record<string, unknown>>): Array<Record<string, unknown>> => lines.filter((line) => line.msg === 'request');

function assertRefused(response: RelayResponse, code: number, message: string): void {
  assert.deepEqual({ status: response.status, code: response.code, message: response.message }, { status: 'error', code, message });
}

describe('the road, stage by stage', () => {
  it('success: runs the command and answers 0 with its output, the id echoed, one audit line', async () => {
    const { ask, lines } = road();
    const response = await ask({ command: 'test::echo', arguments: ['hello'], id: 7 });
    assert.deepEqual({ status: response.status, code: response.code, message: response.message, exit_code: response.exit_code, id: response.id }, { status: 'ok', code: 0, message: 'hello', exit_code: 0, id: 7 });
    const [audit, ...more] = auditLines(lines);
    assert.equal(more.length, 0);
    assert.equal(audit?.request_id, response.request_id);
    assert.deepEqual([audit?.key, audit?.cluster, audit?.command, audit?.code, audit?.remote], ['tester', 'test', 'echo', 0, '127.0.0.1:40000']);
  });

  it('a verified signer is a credential like a key', async () => {
    const response = await road().ask({ command: 'other::true' }, signer);
    assert.equal(response.code, 0);
  });

  describe('authenticate', () => {
    it('an unknown key is 1000, logged as such, and the audit line names no key', async () => {
      const { ask, lines, authFailures } = road();
      assertRefused(await ask({ command: 'test::echo' }, { kind: 'auth_key', key: 'wrong' }), 1000, 'Authentication failed');
      assert.deepEqual(authFailures, ['unknown key']);
      assert.equal(lines.find((line) => line.msg === 'authentication failed')?.reason, 'unknown key');
      assert.equal(auditLines(lines)[0]?.key, undefined);
    });

    it('an unknown signer is 1000', async () => {
      assertRefused(await road().ask({ command: 'test::echo' }, { kind: 'signer', publicKey: 'y'.repeat(43) }), 1000, 'Authentication failed');
    });

    it('a key used from an address its allow_from leaves out is 1000, the same answer', async () => {
      const { ask, lines, authFailures } = road();
      assertRefused(await ask({ command: 'test::echo' }, { kind: 'auth_key', key: 'far-key' }), 1000, 'Authentication failed');
      assert.deepEqual(authFailures, ['source address not allowed']);
      const line = lines.find((entry) => entry.msg === 'authentication failed');
      assert.deepEqual([line?.key, line?.reason], ['elsewhere', 'source address not allowed']);
    });

    it('past the throttle, even a good key is 1002', async () => {
      const { ask, authFailures } = road({ throttle: { maxFailures: 2, windowMs: 60_000 } });
      for (let i = 0; i < 2; i += 1) assert.equal((await ask({ command: 'test::echo' }, { kind: 'auth_key', key: 'wrong' })).code, 1000);
      assertRefused(await ask({ command: 'test::echo' }), 1002, 'Too many failed attempts; try later');
      assert.deepEqual(authFailures, ['unknown key', 'unknown key', 'throttled']);
    });

    it('uses the snapshot the door read for its own checks, not a newer one', async () => {
      const withoutSigner = snapshotOf([]);
      const { ask } = road({ getSnapshot: () => withoutSigner });
      assert.equal((await ask({ command: 'other::true' }, signer)).code, 1000);
      assert.equal((await ask({ command: 'other::true' }, signer, SNAPSHOT)).code, 0);
    });
  });

  describe('authorize', () => {
    it('a cluster the key may not use is 1000, whether or not it exists', async () => {
      const { ask, lines } = road();
      assertRefused(await ask({ command: 'other::true' }), 1000, 'Authentication failed');
      assertRefused(await ask({ command: 'nowhere::true' }), 1000, 'Authentication failed');
      const refusals = lines.filter((line) => line.reason === 'key not allowed this cluster');
      assert.deepEqual(refusals.map((line) => line.requested), ['other::true', 'nowhere::true']);
      assert.deepEqual(auditLines(lines).map((line) => [line.key, line.requested, line.command]), [['tester', 'other::true', undefined], ['tester', 'nowhere::true', undefined]]);
    });
  });

  describe('resolve', () => {
    it('an unknown cluster is 2000, an unknown command 2001; names are exact', async () => {
      const { ask } = road();
      assertRefused(await ask({ command: 'nowhere::true' }, signer), 2000, 'Unknown cluster: nowhere');
      assertRefused(await ask({ command: 'test::ECHO' }, signer), 2001, 'Unknown command: test::ECHO');
    });
  });

  describe('policy', () => {
    it('too many arguments, or one off the pattern, is 2002', async () => {
      const { ask } = road();
      assertRefused(await ask({ command: 'test::echo', arguments: ['a', 'b', 'c'] }), 2002, 'Arguments rejected: expected 0 to 2 arguments, got 3');
      assertRefused(await ask({ command: 'test::echo', arguments: ['ok', 'NO'] }), 2002, 'Arguments rejected: argument 2 does not match the allowed pattern');
    });

    it('a payload for a command that takes none is 2004', async () => {
      assertRefused(await road().ask({ command: 'test::echo', payload: 'data' }), 2004, 'Payload not accepted: this command takes no payload');
    });
  });

  describe('run', () => {
    it('one more than --max-running is 3005; the shutdown grace cancels the running one (3007)', async () => {
      const { relay, ask } = road({ maxRunning: 1 });
      const first = ask({ command: 'test::sleep' });
      while (relay.running() === 0) await new Promise((resolve) => setImmediate(resolve));
      assertRefused(await ask({ command: 'test::echo' }), 3005, 'Busy: concurrency limit reached: the daemon is already running 1 commands');
      await relay.shutdown(0);
      assertRefused(await first, 3007, 'Cancelled: the daemon is shutting down');
    });

    it('once shutting down, a new run is 3007 and runs nothing', async () => {
      const { relay, ask } = road();
      await relay.shutdown(0);
      assertRefused(await ask({ command: 'test::echo' }), 3007, 'Cancelled: the daemon is shutting down');
    });

    it('detach without a job store is 2099', async () => {
      assertRefused(await road().ask({ command: 'test::echo', detach: true }), 2099, 'Malformed request: this relay keeps no jobs');
    });
  });

  describe('the ops that name no command', () => {
    it('list answers the commands of the clusters the key may use', async () => {
      const response = await road().ask({ op: 'list' });
      assert.equal(response.code, 0);
      assert.deepEqual(response.commands?.map((entry) => entry.command), ['test::echo', 'test::sleep']);
    });

    it('a job op without a job store is 2099', async () => {
      assertRefused(await road().ask({ op: 'jobs' }), 2099, 'Malformed request: this relay keeps no jobs');
    });
  });

  describe('reject', () => {
    it("answers a door's refusal with its code and audit-logs it; anything else is 9999", async () => {
      const { relay, lines } = road();
      assertRefused(relay.reject(new RelayError('REQUEST_TOO_LARGE'), CALLER), 2003, 'Request too large');
      assertRefused(relay.reject(new Error('a bug'), CALLER), 9999, 'Internal error');
      assert.equal(auditLines(lines).length, 0, 'audit lines wait for the end of the turn');
      await endOfTurn();
      assert.deepEqual(auditLines(lines).map((line) => line.code), [2003, 9999]);
      assert.equal(lines.filter((line) => line.msg === 'internal error').length, 1);
    });
  });
});
