// SPEC 11 with SPEC 8: the TLS flags apply to the HTTP door too (https, mutual TLS when --tls-ca).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../client/run-cli.js';
import { AUTH_CONF, HASHED_KEY } from '../helpers/fixtures.js';
import { startHttpDaemon, type HttpDaemon } from '../helpers/http.js';
import { makeTestPki, type TestPki } from '../tls/certs.js';

const LIMIT = { timeout: 60_000 };

function httpsCall(port: number, options: { ca: string; cert?: string; key?: string }): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/run',
        headers: { authorization: `Bearer ${HASHED_KEY}`, 'content-type': 'application/json' },
        ca: readFileSync(options.ca),
        ...(options.cert && options.key ? { cert: readFileSync(options.cert), key: readFileSync(options.key) } : {}),
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ command: 'echo', arguments: ['over', 'https'] }));
  });
}

describe('HTTP door over TLS', () => {
  let pki: TestPki;
  let daemon: HttpDaemon;
  before(async () => {
    pki = makeTestPki();
    daemon = await startHttpDaemon({
      auth: AUTH_CONF,
      relays: '[default]\necho = /bin/echo\n',
      args: ['--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--tls-ca', pki.ca],
    });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('serves https with a client certificate from the CA, and refuses one without', LIMIT, async () => {
    const answer = await httpsCall(daemon.httpPort, { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
    assert.deepEqual([answer.status, answer.body.code, answer.body.message], [200, 0, 'over https']);
    await assert.rejects(httpsCall(daemon.httpPort, { ca: pki.ca }));
    await assert.rejects(httpsCall(daemon.httpPort, { ca: pki.ca, cert: pki.otherClientCert, key: pki.otherClientKey }));
  });

  it('call --http https://… with --tls-ca and a client certificate', LIMIT, async () => {
    const result = await runCli(
      ['call', '--http', `https://127.0.0.1:${daemon.httpPort}`, '--tls-ca', pki.ca, '--tls-cert', pki.clientCert, '--tls-key', pki.clientKey, 'echo', 'cli'],
      { env: { USCMDRELAY_KEY: HASHED_KEY } },
    );
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, 'cli\n', '']);
  });
});
