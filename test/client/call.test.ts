// The client library against a fake relay: the request it sends and how it reads every answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, callStream, ClientError, list, type CallEvent } from '../../src/index.js';
import { closedPort, line, response, startFakeRelay } from './fake-relay.js';

describe('call', () => {
  it('sends one JSON line with only the given fields and resolves with the response', async () => {
    const relay = await startFakeRelay((_request, socket) => socket.end(line(response({ message: 'up 3 days' }))));
    try {
      const answer = await call({ port: relay.port, key: 'k1', command: 'default::uptime', args: ['-p', 'a b'], id: 'x1', timeout: 5 });
      assert.equal(answer.message, 'up 3 days');
      assert.equal(answer.code, 0);
      assert.deepEqual(relay.requests, [{ auth_key: 'k1', command: 'default::uptime', arguments: ['-p', 'a b'], id: 'x1', timeout: 5 }]);
    } finally {
      await relay.close();
    }
  });

  it('resolves (does not throw) with a relay error response', async () => {
    const relay = await startFakeRelay((_r, socket) =>
      socket.end(line(response({ status: 'error', code: 1000, message: 'Authentication failed', exit_code: null }))),
    );
    try {
      const answer = await call({ port: relay.port, key: 'bad', command: 'uptime' });
      assert.equal(answer.code, 1000);
      assert.equal(answer.status, 'error');
      assert.equal(answer.message, 'Authentication failed');
    } finally {
      await relay.close();
    }
  });

  it('sends UTF-8 payloads as text and other bytes as base64', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.end(line(response())));
    try {
      await call({ port: relay.port, key: 'k', command: 'cat', payload: 'héllo\n' });
      await call({ port: relay.port, key: 'k', command: 'cat', payload: Buffer.from([0xff, 0x00, 0x41]) });
      await call({ port: relay.port, key: 'k', command: 'cat', payload: Buffer.from('a\u0000b') });
      await call({ port: relay.port, key: 'k', command: 'cat', payload: Buffer.from('plain') });
      assert.deepEqual(
        relay.requests.map((r) => [r.payload, r.payload_encoding]),
        [
          ['héllo\n', undefined],
          ['/wBB', 'base64'],
          ['YQBi', 'base64'],
          ['plain', undefined],
        ],
      );
    } finally {
      await relay.close();
    }
  });

  it('fills fields an original relay leaves out', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.end('{"status":"ok","message":"hi","code":0}\n'));
    try {
      const answer = await call({ port: relay.port, key: 'k', command: 'x' });
      assert.deepEqual(answer, { status: 'ok', message: 'hi', code: 0, exit_code: null, signal: null, duration_ms: 0, request_id: '' });
    } finally {
      await relay.close();
    }
  });

  it('accepts a final line without a newline before the close, and decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from(JSON.stringify(response({ message: 'grüße €' })));
    const relay = await startFakeRelay((_r, socket) => {
      const cut = bytes.indexOf(Buffer.from('€')) + 1; // inside the 3-byte character
      socket.write(bytes.subarray(0, cut));
      setTimeout(() => socket.end(bytes.subarray(cut)), 20);
    });
    try {
      const answer = await call({ port: relay.port, key: 'k', command: 'x' });
      assert.equal(answer.message, 'grüße €');
    } finally {
      await relay.close();
    }
  });
});

describe('callStream', () => {
  it('asks for streaming and yields events in order, then one result', async () => {
    const relay = await startFakeRelay((_r, socket) => {
      socket.write(line({ event: 'stdout', data: 'one\n' }));
      socket.write(line({ event: 'stderr', data: 'warn\n' }));
      socket.write(line({ event: 'progress', percent: 50 })); // a newer relay's event: skipped
      socket.write(line({ event: 'stdout', data: 'two\n' }));
      socket.end(line(response({ message: '' })));
    });
    try {
      const events: CallEvent[] = [];
      for await (const event of callStream({ port: relay.port, key: 'k', command: 'x' })) events.push(event);
      assert.equal(relay.requests[0]?.stream, true);
      assert.deepEqual(events.slice(0, 3), [
        { event: 'stdout', data: 'one\n' },
        { event: 'stderr', data: 'warn\n' },
        { event: 'stdout', data: 'two\n' },
      ]);
      assert.equal(events.length, 4);
      const last = events[3];
      assert.ok(last?.event === 'result');
      assert.equal(last.response.code, 0);
    } finally {
      await relay.close();
    }
  });

  it('stops reading at the final line even if the relay keeps the connection open', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.write(line(response())));
    try {
      const events: CallEvent[] = [];
      for await (const event of callStream({ port: relay.port, key: 'k', command: 'x' })) events.push(event);
      assert.equal(events.length, 1);
    } finally {
      await relay.close();
    }
  });

  it('throws a closed error when the stream ends before the result', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.end(line({ event: 'stdout', data: 'partial' })));
    try {
      const events: CallEvent[] = [];
      await assert.rejects(
        async () => {
          for await (const event of callStream({ port: relay.port, key: 'k', command: 'x' })) events.push(event);
        },
        (error: unknown) => error instanceof ClientError && error.kind === 'closed' && /closed without a response/.test(error.message),
      );
      assert.deepEqual(events, [{ event: 'stdout', data: 'partial' }]);
    } finally {
      await relay.close();
    }
  });
});

describe('list', () => {
  it('sends op list and returns the commands', async () => {
    const commands = [{ command: 'default::uptime', description: 'how long' }, { command: 'ops::id', description: '' }];
    const relay = await startFakeRelay((_r, socket) => socket.end(line(response({ message: '2 commands', commands }))));
    try {
      const result = await list({ port: relay.port, key: 'k' });
      assert.deepEqual(relay.requests, [{ auth_key: 'k', op: 'list' }]);
      assert.deepEqual(result.commands, commands);
      assert.equal(result.response.message, '2 commands');
    } finally {
      await relay.close();
    }
  });

  it('returns no commands with a refusal', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.end(line(response({ status: 'error', code: 1000, message: 'Authentication failed' }))));
    try {
      const result = await list({ port: relay.port, key: 'k' });
      assert.equal(result.response.code, 1000);
      assert.deepEqual(result.commands, []);
    } finally {
      await relay.close();
    }
  });
});

describe('failures to get an answer', () => {
  const isClientError = (kind: string, pattern: RegExp) => (error: unknown) => {
    assert.ok(error instanceof ClientError, String(error));
    assert.equal(error.kind, kind, error.message);
    assert.match(error.message, pattern);
    return true;
  };

  it('connection refused', async () => {
    const port = await closedPort();
    await assert.rejects(call({ port, key: 'k', command: 'x' }), isClientError('connect', new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`)));
  });

  it('closed without a response', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.end());
    try {
      await assert.rejects(call({ port: relay.port, key: 'k', command: 'x' }), isClientError('closed', /closed without a response/));
    } finally {
      await relay.close();
    }
  });

  it('connection reset without a response', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.resetAndDestroy());
    try {
      await assert.rejects(call({ port: relay.port, key: 'k', command: 'x' }), isClientError('closed', /ECONNRESET|closed without a response/));
    } finally {
      await relay.close();
    }
  });

  it('a line that is not JSON', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      await assert.rejects(call({ port: relay.port, key: 'k', command: 'x' }), isClientError('protocol', /unparseable answer .*not JSON: "HTTP\/1\.1 400/));
    } finally {
      await relay.close();
    }
  });

  it('JSON that is neither an event nor a response', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.end('{"hello":1}\n'));
    try {
      await assert.rejects(call({ port: relay.port, key: 'k', command: 'x' }), isClientError('protocol', /neither an event nor a response/));
    } finally {
      await relay.close();
    }
  });

  it('a TLS alert from a TLS relay spoken to in plain TCP gets a hint', async () => {
    const relay = await startFakeRelay((_r, socket) => socket.end(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])));
    try {
      await assert.rejects(call({ port: relay.port, key: 'k', command: 'x' }), isClientError('protocol', /use --tls/));
    } finally {
      await relay.close();
    }
  });

  it('no answer within responseTimeoutMs', async () => {
    const relay = await startFakeRelay(() => {});
    try {
      await assert.rejects(call({ port: relay.port, key: 'k', command: 'x', responseTimeoutMs: 100 }), isClientError('timeout', /no answer .* within 100 ms/));
    } finally {
      await relay.close();
    }
  });

  it('an abort signal ends the call', async () => {
    const relay = await startFakeRelay(() => {});
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(call({ port: relay.port, key: 'k', command: 'x', signal: controller.signal }), isClientError('aborted', /aborted/));
    } finally {
      await relay.close();
    }
  });
});
