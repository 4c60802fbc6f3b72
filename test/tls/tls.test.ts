// SPEC 8 with the real daemon: TLS, and mutual TLS with --tls-ca. Each way a client can get TLS
// wrong is answered or refused cleanly, and the daemon goes on serving.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { call, ClientError, codes } from '../../src/index.js';
import { sendRaw, startDaemon, type DaemonHandle } from '../helpers/daemon.js';
import { runCli } from '../client/run-cli.js';
import { makeTestPki, type TestPki } from './certs.js';
import { createHash } from 'node:crypto';

const KEY = 'tls-test-key-abcdef';
const AUTH = `[tls-client]\nkey_sha256 = ${createHash('sha256').update(KEY).digest('hex')}\nauth_clusters = default\n`;
const RELAYS = '[default]\necho = /bin/echo\n';

const pki: TestPki = makeTestPki();
const env = { USCMDRELAY_KEY: KEY };

function isClientError(kind: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ClientError, String(error));
    assert.equal(error.kind, kind, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

// After every misbehaving client, a good one must still be answered.
async function assertStillServing(port: number, tls: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<void> {
  const response = await call({ port, key: KEY, command: 'echo', args: ['still', 'here'], tls });
  assert.equal(response.message, 'still here');
}

describe('TLS (server certificate only)', () => {
  let daemon: DaemonHandle;
  const ca = readFileSync(pki.ca);

  before(async () => {
    daemon = await startDaemon({ auth: AUTH, relays: RELAYS, args: ['--tls-cert', pki.serverCert, '--tls-key', pki.serverKey] });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('a client trusting the CA is answered; the key check still applies', async () => {
    const ok = await runCli(['call', '--port', String(daemon.port), '--tls-ca', pki.ca, 'echo', 'over', 'tls'], { env });
    assert.deepEqual(ok, { status: 0, signal: null, stdout: 'over tls\n', stderr: '' });
    const byName = await runCli(['call', '--host', 'localhost', '--port', String(daemon.port), '--tls-ca', pki.ca, 'echo', 'by', 'name'], { env });
    assert.equal(byName.stdout, 'by name\n');
    const badKey = await call({ port: daemon.port, key: 'wrong', command: 'echo', tls: { ca } });
    assert.equal(badKey.code, codes.AUTH_FAILED.code);
  });

  it('a client that does not trust the CA refuses the server (255)', async () => {
    const result = await runCli(['call', '--port', String(daemon.port), '--tls', 'echo', 'x'], { env });
    assert.equal(result.status, 255);
    assert.match(result.stderr, /^uscmdrelay: TLS with 127\.0\.0\.1:\d+ failed: .*(self[- ]signed|unable to (get|verify))/i);
    await assertStillServing(daemon.port, { ca });
  });

  it('a certificate for another name is refused', async () => {
    await assert.rejects(call({ port: daemon.port, key: KEY, command: 'echo', tls: { ca, servername: 'elsewhere.example' } }), isClientError('tls', /elsewhere\.example|altnames/i));
    await assertStillServing(daemon.port, { ca });
  });

  it('plain TCP sent to the TLS port gets no answer and harms nothing', async () => {
    const result = await runCli(['call', '--port', String(daemon.port), 'echo', 'x'], { env });
    assert.equal(result.status, 255);
    assert.match(result.stderr, /^uscmdrelay: (unparseable answer .*|connection to .* closed without a response .*)use --tls/);
    // What `nc` would see: no JSON, and nothing of the request run.
    const raw = await sendRaw(daemon.port, `${JSON.stringify({ auth_key: KEY, command: 'echo', arguments: ['leak'] })}\n`);
    assert.ok(!raw.includes('leak'));
    await daemon.waitForLog((line) => line.msg === 'TLS handshake failed');
    await assertStillServing(daemon.port, { ca });
  });

  it('TLS sent to a plain TCP relay is reported as such', async () => {
    const plain = await startDaemon({ auth: AUTH, relays: RELAYS });
    try {
      const result = await runCli(['call', '--port', String(plain.port), '--tls-ca', pki.ca, 'echo', 'x'], { env });
      assert.equal(result.status, 255);
      assert.match(result.stderr, /TLS with .* failed: .*does not seem to speak TLS/);
    } finally {
      await plain.stop();
    }
  });
});

describe('mutual TLS (--tls-ca)', () => {
  let daemon: DaemonHandle;
  const ca = readFileSync(pki.ca);
  const cert = readFileSync(pki.clientCert);
  const key = readFileSync(pki.clientKey);

  before(async () => {
    daemon = await startDaemon({ auth: AUTH, relays: RELAYS, args: ['--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--tls-ca', pki.ca] });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('a client certificate from the CA is answered', async () => {
    const args = ['call', '--port', String(daemon.port), '--tls-ca', pki.ca, '--tls-cert', pki.clientCert, '--tls-key', pki.clientKey];
    assert.deepEqual(await runCli([...args, 'echo', 'mutual'], { env }), { status: 0, signal: null, stdout: 'mutual\n', stderr: '' });
    const list = await runCli(['list', ...args.slice(1)], { env });
    assert.deepEqual(list, { status: 0, signal: null, stdout: 'default::echo\n', stderr: '' });
  });

  it('the key check still applies behind a good certificate', async () => {
    const response = await call({ port: daemon.port, key: 'wrong', command: 'echo', tls: { ca, cert, key } });
    assert.equal(response.code, codes.AUTH_FAILED.code);
  });

  it('a client without a certificate is refused (255) and nothing runs', async () => {
    const result = await runCli(['call', '--port', String(daemon.port), '--tls-ca', pki.ca, 'echo', 'x'], { env });
    assert.equal(result.status, 255);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^uscmdrelay: (TLS with .* failed|connection to .* (closed|lost))/);
    await assert.rejects(call({ port: daemon.port, key: KEY, command: 'echo', tls: { ca } }), (error: unknown) => error instanceof ClientError && ['tls', 'closed'].includes(error.kind));
    await assertStillServing(daemon.port, { ca, cert, key });
  });

  it('a certificate from another CA is refused (255)', async () => {
    const result = await runCli(
      ['call', '--port', String(daemon.port), '--tls-ca', pki.ca, '--tls-cert', pki.otherClientCert, '--tls-key', pki.otherClientKey, 'echo', 'x'],
      { env },
    );
    assert.equal(result.status, 255);
    assert.match(result.stderr, /^uscmdrelay: (TLS with .* failed|connection to .* (closed|lost))/);
    await assertStillServing(daemon.port, { ca, cert, key });
  });

  it('plain TCP sent to the mutual-TLS port is refused and harms nothing', async () => {
    const result = await runCli(['call', '--port', String(daemon.port), 'echo', 'x'], { env });
    assert.equal(result.status, 255);
    await assertStillServing(daemon.port, { ca, cert, key });
  });

  it('no request ran for any refused client', () => {
    const ran = daemon.logs.filter((line) => line.command === 'echo' && line.code === 0);
    assert.ok(ran.every((line) => line.key === 'tls-client'));
    assert.ok(!daemon.logs.some((line) => JSON.stringify(line).includes(KEY)), 'the key is in no log line');
  });
});
