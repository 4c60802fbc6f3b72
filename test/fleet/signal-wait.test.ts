// Semaphores: signal/wait over a real nats-server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { publishSignal, signalSubject, signBody, waitForSignal } from '../../src/fleet/index.js';
import { connectTo, newIdentity } from './helpers/fleet.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';

describe('signal and wait', () => {
  let server: NatsServer;
  let waiter: NatsConnection;
  let signaller: NatsConnection;
  const uploader = newIdentity();

  before(async () => {
    server = await startNatsServer();
    waiter = await connectTo(server.url, 'waiter');
    signaller = await connectTo(server.url, 'signaller');
  });
  after(async () => {
    await waiter.close();
    await signaller.close();
    await server.stop();
  });

  it('a signal sent while waiting ends the wait with its message', async () => {
    const waiting = waitForSignal({
      connection: waiter,
      name: 'upload_done',
      timeoutMs: 5000,
      allowSkewMs: 30_000,
      trustedKeys: null,
      onReady: () => void publishSignal(signaller, uploader, 'upload_done', 's3://bucket/bigfile'),
    });
    const got = await waiting;
    assert.equal(got?.message, 's3://bucket/bigfile');
    assert.equal(got?.sender_public_key, uploader.publicKey);
  });

  it('a signal sent before waiting does not count: timeout', async () => {
    await publishSignal(signaller, uploader, 'early', 'too soon');
    const started = Date.now();
    assert.equal(await waitForSignal({ connection: waiter, name: 'early', timeoutMs: 400, allowSkewMs: 30_000, trustedKeys: null }), null);
    assert.ok(Date.now() - started >= 380);
  });

  it('with --trust, a signal from another key is rejected; forged and stale ones always are', async () => {
    const stranger = newIdentity();
    const rejected: string[] = [];
    const waiting = waitForSignal({
      connection: waiter,
      name: 'gate',
      timeoutMs: 5000,
      allowSkewMs: 30_000,
      trustedKeys: new Set([uploader.publicKey]),
      onRejected: (reason) => rejected.push(reason),
      onReady: () => {
        void (async () => {
          await publishSignal(signaller, stranger, 'gate', 'from a stranger');
          const forged = { ...signBody({ v: 1, type: 'signal', name: 'gate', message: 'x', sender_public_key: uploader.publicKey, nonce: 'n', ts: Date.now() }, uploader), message: 'changed' };
          signaller.publish(signalSubject('gate'), JSON.stringify(forged));
          const stale = signBody({ v: 1, type: 'signal', name: 'gate', message: 'old', sender_public_key: uploader.publicKey, nonce: 'm', ts: Date.now() - 60_000 }, uploader);
          signaller.publish(signalSubject('gate'), JSON.stringify(stale));
          await publishSignal(signaller, uploader, 'gate', 'the real one');
        })();
      },
    });
    assert.equal((await waiting)?.message, 'the real one');
    assert.deepEqual(rejected, ['untrusted signer', 'bad signature', 'stale or future timestamp']);
  });

  it('refuses names that are not valid', async () => {
    await assert.rejects(publishSignal(signaller, uploader, 'a.>', 'x'), /signal name must be/);
  });
});
