// Every way a client can misbehave, against the running daemon: each gets a clear code, a log
// line, and the daemon keeps serving.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ask, freePort, sendRaw, startDaemon, type DaemonHandle } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY, ORIGINAL_KEY, RELAYS_CONF } from '../helpers/fixtures.js';
import { childrenOf } from '../helpers/processes.js';

const parse = (text: string) => JSON.parse(text.trim()) as Record<string, unknown>;

describe('hardening against bad clients', () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: RELAYS_CONF,
      args: ['--max-request-bytes', '1024', '--request-timeout', '1', '--max-connections', '5', '--max-connections-per-address', '5', '--auth-fail-limit', '0'],
    });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  async function stillServing(): Promise<void> {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['alive'] });
    assert.equal(answer.message, 'alive');
  }

  const malformed: Array<[string, string | Buffer, string]> = [
    ['truncated JSON', '{"auth_key":"k","comm', 'Malformed request: request is not valid JSON'],
    ['not JSON', 'hello\n', 'Malformed request: request is not valid JSON'],
    ['an array', '[1,2]\n', 'Malformed request: request must be a JSON object'],
    ['null', 'null\n', 'Malformed request: request must be a JSON object'],
    ['a number', '42\n', 'Malformed request: request must be a JSON object'],
    ['empty', '\n', 'Malformed request: empty request'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), 'Malformed request: request is not valid UTF-8'],
    ['missing auth_key', '{"command":"echo"}\n', "Malformed request: missing field 'auth_key'"],
    ['missing command', '{"auth_key":"k"}\n', "Malformed request: missing field 'command'"],
    ['auth_key a number', '{"auth_key":5,"command":"echo"}\n', "Malformed request: field 'auth_key' must be string"],
    ['command an object', '{"auth_key":"k","command":{}}\n', "Malformed request: field 'command' must be string"],
    ['arguments a number', '{"auth_key":"k","command":"echo","arguments":3}\n', "Malformed request: field 'arguments' must be an array of strings or a string"],
    ['arguments with a number', '{"auth_key":"k","command":"echo","arguments":["a",3]}\n', "Malformed request: field 'arguments' must be an array of strings or a string"],
    ['NUL in command', '{"auth_key":"k","command":"ec\\u0000ho"}\n', "Malformed request: field 'command' must not contain NUL bytes"],
    ['NUL in an argument', '{"auth_key":"k","command":"echo","arguments":["a\\u0000b"]}\n', "Malformed request: field 'arguments[0]' must not contain NUL bytes"],
    ['stream not boolean', '{"auth_key":"k","command":"echo","stream":"yes"}\n', "Malformed request: field 'stream' must be boolean"],
    ['timeout negative', '{"auth_key":"k","command":"echo","timeout":-1}\n', "Malformed request: field 'timeout' must be > 0"],
    ['id too long', `{"auth_key":"k","command":"echo","id":"${'x'.repeat(129)}"}\n`, "Malformed request: field 'id' must NOT have more than 128 characters"],
    ['op unknown', '{"auth_key":"k","command":"echo","op":"rm"}\n', "Malformed request: field 'op' must be equal to one of the allowed values"],
  ];
  for (const [name, body, message] of malformed) {
    it(`answers 2099 for ${name}`, async () => {
      const answer = parse(await sendRaw(daemon.port, body));
      assert.deepEqual([answer.status, answer.code, answer.message], ['error', 2099, message]);
    });
  }

  it('ignores unknown fields (forward compatibility)', async () => {
    const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['ok'], future_field: { x: 1 } });
    assert.equal(answer.message, 'ok');
  });

  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype']) {
    it(`treats ${name} as any unknown name`, async () => {
      assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: name })).code, 2001);
      assert.equal((await ask(daemon, { auth_key: HASHED_KEY, command: `${name}::echo` })).code, 2000);
      assert.equal((await ask(daemon, { auth_key: name, command: 'echo' })).code, 1000);
      const raw = parse(await sendRaw(daemon.port, `{"auth_key":"${ORIGINAL_KEY}","command":"echo","__proto__":{"command":"env"},"arguments":["p"]}\n`));
      assert.equal(raw.message, 'p');
    });
  }

  it('answers 2003 for a request larger than --max-request-bytes and closes', async () => {
    const answer = parse(await sendRaw(daemon.port, `{"auth_key":"${'a'.repeat(5000)}"}\n`));
    assert.deepEqual([answer.code, answer.message], [2003, 'Request too large']);
    const noNewline = parse(await sendRaw(daemon.port, 'x'.repeat(100_000), false));
    assert.equal(noNewline.code, 2003);
    await stillServing();
  });

  it('answers 2005 to a client that never completes its request', async () => {
    const started = Date.now();
    const answer = parse(await sendRaw(daemon.port, '{"auth_key":', false));
    assert.deepEqual([answer.code, answer.message], [2005, 'No complete request in time']);
    assert.ok(Date.now() - started >= 900);
    await daemon.waitForLog((l) => l.msg === 'request' && l.code === 2005);
  });

  it('does not let slow clients hold it: many idle sockets time out and it serves again', async () => {
    const closed: Array<Promise<unknown>> = [];
    for (let i = 0; i < 5; i++) {
      const socket: Socket = connect({ host: '127.0.0.1', port: daemon.port }).on('error', () => {});
      socket.resume(); // read the answer, so the daemon's end is seen and the socket closes
      closed.push(new Promise((resolve) => socket.on('close', resolve)));
    }
    // Under load the daemon may not have accepted all five yet: probe until it is full.
    let refused = parse(await sendRaw(daemon.port, '{}\n'));
    for (let attempt = 0; attempt < 20 && refused.code !== 9001; attempt++) {
      await delay(50);
      refused = parse(await sendRaw(daemon.port, '{}\n'));
    }
    assert.deepEqual([refused.code, refused.message], [9001, 'Too many connections']);
    await Promise.all(closed);
    // The daemon's side of each socket closes a moment after the client's: wait for a free slot.
    let busy = parse(await sendRaw(daemon.port, '{}\n'));
    for (let attempt = 0; attempt < 40 && busy.code === 9001; attempt++) {
      await delay(50);
      busy = parse(await sendRaw(daemon.port, '{}\n'));
    }
    await stillServing();
  });

  it('answers CRLF-terminated requests', async () => {
    const answer = parse(await sendRaw(daemon.port, `{"auth_key":"${ORIGINAL_KEY}","command":"echo","arguments":["crlf"]}\r\n`));
    assert.equal(answer.message, 'crlf');
  });

  it('survives clients that reset mid-request and mid-command', async () => {
    for (let i = 0; i < 20; i++) {
      const socket = connect({ host: '127.0.0.1', port: daemon.port });
      socket.on('error', () => {});
      await new Promise((resolve) => socket.on('connect', resolve));
      socket.write(i % 2 ? '{"auth_key":"x", "comm' : `{"auth_key":"${ORIGINAL_KEY}","command":"sleep","arguments":["0.2"]}\n`);
      socket.resetAndDestroy();
    }
    // Until the reset connections are gone and the sleeps they started end, the daemon is full
    // (9001): probe until it has room, however loaded the machine is; then it must serve.
    const alive = { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['alive'] };
    let answer = await ask(daemon, alive);
    for (let attempt = 0; attempt < 500 && answer.code === 9001; attempt++) {
      await delay(20);
      answer = await ask(daemon, alive);
    }
    assert.deepEqual([answer.code, answer.message], [0, 'alive']);
  });

  it('leaks no descriptors and leaves no zombies after a thousand requests', async () => {
    const pid = daemon.proc.pid!;
    const fdCount = () => readdirSync(`/proc/${pid}/fd`).length;
    await stillServing();
    const before = fdCount();
    for (let round = 0; round < 100; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => ask(daemon, { auth_key: ORIGINAL_KEY, command: i % 3 ? 'echo' : 'fail', arguments: ['x'] })),
      );
    }
    // Closing sockets and reaped pipes settle within moments; a leak does not.
    for (let wait = 0; wait < 40 && fdCount() > before + 2; wait++) await delay(50);
    assert.ok(fdCount() <= before + 2, `descriptors grew from ${before} to ${fdCount()}`);
    const children = childrenOf(pid).map((child) => child.pid);
    assert.deepEqual(children, [], 'the daemon has child processes (zombies) left');
  });
});

describe('a log that cannot be written', () => {
  it('does not stop the daemon: it serves, and says so once on stderr', async () => {
    const daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS_CONF, port: await freePort(), args: ['--log', '/dev/full'] });
    try {
      for (const word of ['one', 'two', 'three']) {
        const answer = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: [word] });
        assert.deepEqual([answer.code, answer.message], [0, word]);
      }
    } finally {
      assert.equal(await daemon.stop(), 0);
    }
    assert.equal(daemon.stderr(), 'uscmdrelay: cannot write the log to /dev/full (ENOSPC); retrying with each line\n');
  });
});
