// Issue 9: what an attack on the daemon found, each reproduced against the real daemon. Every
// test here failed before its fix.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { call, ClientError } from '../../src/index.js';
import { ask, sendRaw, startDaemon, tempDir, type DaemonHandle } from '../helpers/daemon.js';
import { AUTH_CONF, HASHED_KEY, ORIGINAL_KEY } from '../helpers/fixtures.js';
import { isRunning } from '../helpers/processes.js';
import { makeTestPki } from '../tls/certs.js';
import { isRoot, nobodyGid, nobodyUid } from '../helpers/nobody.js';

const LIMIT = { timeout: 120_000 };
const parse = (text: string) => JSON.parse(text.trim()) as Record<string, unknown>;
const run = (command: string, extra: object = {}): object => ({ auth_key: HASHED_KEY, command, ...extra });

// Polls until the condition holds; fails after timeoutMs (a bound on a hang, not a speed test).
async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

// Sockets of the daemon's port in CLOSE-WAIT (state 08 in /proc/net/tcp).
function closeWaitCount(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6']
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '08').length;
}

const fdCount = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

describe('item 1: the payload file of a `user =` command', { skip: !isRoot && 'needs root (the daemon switches user)' }, () => {
  let daemon: DaemonHandle;
  const target = join(tempDir(), 'root-only');
  // The daemon's own temp directory, sticky and world-writable like /tmp, so the attacker below
  // sees only this daemon's payload directories (not other tests' or other daemons').
  const daemonTmp = tempDir();
  before(async () => {
    writeFileSync(target, 'root secret\n', { mode: 0o600 });
    chmodSync(daemonTmp, 0o1777);
    daemon = await startDaemon({
      env: { TMPDIR: daemonTmp },
      auth: AUTH_CONF,
      relays: `[data::inspect]
command = /bin/sh -c 'd=$(dirname "$1"); id -u; stat -c "%u %a" "$d"; stat -c "%u %a" "$1"; if [ -w "$d" ]; then echo dir-writable; else echo dir-not-writable; fi; if ln -s /etc/passwd "$d/x" 2>/dev/null; then echo linked; else echo no-link; fi; if rm -f "$1" 2>/dev/null && [ ! -e "$1" ]; then echo removed; else echo not-removed; fi; if (echo more >> "$1") 2>/dev/null; then echo wrote; else echo read-only; fi; cat "$1"' inspect
payload = file
user = nobody

[data::swap]
command = /bin/sh -c 'd=$(dirname "$1"); rm -f "$1" 2>/dev/null; ln -s "$2" "$1" 2>/dev/null; cat "$1" 2>/dev/null; true' swap
payload = file
user = nobody
`,
    });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('from inside the command: the directory is root 0711, it cannot write there, the file is its own and read-only', LIMIT, async () => {
    const answer = await ask(daemon, run('data::inspect', { payload: 'for nobody' }));
    assert.equal(answer.code, 0, String(answer.message));
    assert.equal(
      answer.message,
      [String(nobodyUid), '0 711', `${nobodyUid} 400`, 'dir-not-writable', 'no-link', 'not-removed', 'read-only', 'for nobody'].join('\n'),
    );
  });

  it('a symlink swap from the command, and a nobody process racing every request, never make the daemon chown a root file', LIMIT, async () => {
    // The attacker of the report: a process of the command's user that keeps swapping every
    // payload file it can reach for a symlink to a root file, while requests come in.
    const attacker = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'), path = require('path'), dir = ${JSON.stringify(daemonTmp)};
         let swapped = 0;
         const tick = () => {
           for (const name of fs.readdirSync(dir)) {
             if (!name.startsWith('uscmdrelay-')) continue;
             const file = path.join(dir, name, 'payload');
             try { fs.unlinkSync(file); } catch {}
             try { fs.symlinkSync(${JSON.stringify(target)}, file); swapped++; } catch {}
           }
           setImmediate(tick);
         };
         process.on('SIGTERM', () => { process.stdout.write(String(swapped)); process.exit(0); });
         process.stdout.write('ready\\n');
         tick();`,
      ],
      { uid: nobodyUid, gid: nobodyGid, cwd: '/', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    attacker.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor('the attacker to start', () => out.startsWith('ready'));
    try {
      for (let i = 0; i < 60; i++) {
        const answer = await ask(daemon, run('data::swap', { payload: `request ${i}`, arguments: [target] }));
        assert.equal(answer.code, 0, String(answer.message));
        assert.equal(answer.message, `request ${i}`, 'the command read something else than its payload');
      }
    } finally {
      attacker.kill('SIGTERM');
      await once(attacker, 'exit');
    }
    assert.equal(out.replace('ready\n', ''), '0', 'the attacker managed to plant a symlink');
    const stat = statSync(target);
    assert.deepEqual([stat.uid, stat.mode & 0o777], [0, 0o600]);
    assert.equal(readFileSync(target, 'utf8'), 'root secret\n');
  });
});

describe('item 2: TLS sockets that close before the handshake', () => {
  const pki = makeTestPki();
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: '[default]\necho = /bin/echo\n',
      // A request timeout far longer than the test: what frees the sockets is their close.
      args: ['--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--request-timeout', '600', '--max-connections', '400', '--max-connections-per-address', '400'],
    });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  const tls = { ca: readFileSync(pki.ca) };

  it('300 connect(); close() leave no descriptor and no CLOSE-WAIT behind', LIMIT, async () => {
    const pid = daemon.proc.pid ?? 0;
    assert.equal((await call({ port: daemon.port, key: ORIGINAL_KEY, command: 'echo', args: ['warm'], tls })).message, 'warm');
    const baseline = fdCount(pid);
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const socket = connect({ host: '127.0.0.1', port: daemon.port });
          socket.on('error', () => {});
          await once(socket, 'connect');
          socket.destroy(); // FIN, before any TLS byte
          await once(socket, 'close');
        }),
      );
    }
    await waitFor('the daemon to release the early-closed sockets', () => fdCount(pid) <= baseline && closeWaitCount(daemon.port) === 0);
    assert.equal(closeWaitCount(daemon.port), 0);
    assert.equal((await call({ port: daemon.port, key: ORIGINAL_KEY, command: 'echo', args: ['still', 'here'], tls })).message, 'still here');
  });

  it('a socket that never starts its handshake counts toward --max-connections and is closed at --request-timeout', LIMIT, async () => {
    const small = await startDaemon({
      auth: AUTH_CONF,
      relays: '[default]\necho = /bin/echo\n',
      args: ['--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--request-timeout', '5', '--max-connections', '1'],
    });
    // A refused client gets 1 s for its handshake and 9001; on a loaded machine it may be closed
    // first (a ClientError): then it asks again.
    const echo = async (word: string): Promise<{ code: number; message: string }> => {
      try {
        return await call({ port: small.port, key: ORIGINAL_KEY, command: 'echo', args: [word], tls });
      } catch (error) {
        if (error instanceof ClientError) return { code: -1, message: error.message };
        throw error;
      }
    };
    try {
      const silent = connect({ host: '127.0.0.1', port: small.port });
      silent.on('error', () => {});
      await once(silent, 'connect');
      const closed = once(silent, 'close');
      // While it holds the only slot, a TLS client is refused with 9001 (after its handshake).
      let refused = await echo('x');
      for (let attempt = 0; attempt < 40 && refused.code !== 9001; attempt++) refused = await echo('x');
      assert.deepEqual([refused.code, refused.message], [9001, 'Too many connections']);
      await closed; // the daemon ends it: no handshake within --request-timeout
      await small.waitForLog((line) => line.msg === 'TLS handshake failed' && line.reason === 'no TLS handshake in time');
      let served = await echo('free');
      for (let attempt = 0; attempt < 40 && served.code !== 0; attempt++) {
        await delay(50);
        served = await echo('free');
      }
      assert.equal(served.message, 'free');
    } finally {
      assert.equal(await small.stop(), 0);
    }
  });
});

describe('item 3: timers of any length', () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: "[default]\necho = /bin/echo\nnap = /bin/sh -c 'sleep 0.3; echo rested'\n",
      args: ['--timeout', '3000000', '--request-timeout', '3000000', '--shutdown-grace', '3000000'],
    });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
    assert.doesNotMatch(daemon.stderr(), /TimeoutOverflowWarning/);
  });

  it('serve --timeout 3000000 and a request "timeout": 3000000 do not kill the command at once', LIMIT, async () => {
    const byDefault = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'nap' });
    assert.deepEqual([byDefault.code, byDefault.message], [0, 'rested']);
    const byRequest = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'nap', timeout: 3000000 });
    assert.deepEqual([byRequest.code, byRequest.message], [0, 'rested']);
    assert.doesNotMatch(daemon.stderr(), /TimeoutOverflowWarning/);
  });

  it('--request-timeout 3000000 does not answer 2005 to a request sent in two parts', LIMIT, async () => {
    const socket = connect({ host: '127.0.0.1', port: daemon.port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(socket, 'connect');
    socket.write('{"auth_key":');
    await delay(300); // an overflowed timer fires after 1 ms
    socket.end(`"${ORIGINAL_KEY}","command":"echo","arguments":["in two parts"]}\n`);
    await once(socket, 'close');
    const answer = parse(Buffer.concat(chunks).toString());
    assert.deepEqual([answer.code, answer.message], [0, 'in two parts']);
    assert.doesNotMatch(daemon.stderr(), /TimeoutOverflowWarning/);
  });
});

describe('item 4: one address cannot hold every slot', () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: '[default]\necho = /bin/echo\n',
      args: ['--max-connections', '10', '--request-timeout', '600'],
      env: { USCMDRELAY_MAX_CONNECTIONS_PER_ADDRESS: '3' },
    });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  function sendFrom(localAddress: string, body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: daemon.port, localAddress, allowHalfOpen: true });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => socket.end());
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
      socket.end(body);
    });
  }

  it('a source holding its limit of idle connections gets 9001; another address is still served', LIMIT, async () => {
    const idle: Socket[] = [];
    for (let i = 0; i < 3; i++) {
      const socket = connect({ host: '127.0.0.1', port: daemon.port, localAddress: '127.0.0.1' });
      socket.on('error', () => {});
      await once(socket, 'connect');
      idle.push(socket);
    }
    const request = `${JSON.stringify({ auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['served'] })}\n`;
    try {
      // Until the daemon has accepted all three, the fourth may still get in.
      let refused = parse(await sendFrom('127.0.0.1', request));
      for (let attempt = 0; attempt < 40 && refused.code !== 9001; attempt++) {
        await delay(25);
        refused = parse(await sendFrom('127.0.0.1', request));
      }
      assert.deepEqual([refused.code, refused.message], [9001, 'Too many connections: too many from this address']);
      const other = parse(await sendFrom('127.0.0.2', request));
      assert.deepEqual([other.code, other.message], [0, 'served']);
      await daemon.waitForLog((line) => line.msg === 'request' && line.code === 9001);
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });
});

describe('item 5: on_disconnect = kill notices a client that closed normally', () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: `[ops::killable]
command = /bin/sh -c 'echo $$ > "$1/leader"; sleep 100 & echo $! > "$1/child"; wait; echo finished' killable
on_disconnect = kill
timeout = 300

[ops::short]
command = /bin/sh -c 'sleep 1.2; echo finished' short
on_disconnect = kill

[ops::gated]
command = /bin/sh -c 'while [ ! -e "$1" ]; do sleep 0.05; done; echo finished' gated
on_disconnect = kill
timeout = 300

[ops::short-continue]
command = /bin/sh -c 'sleep 1.2; echo finished' short
`,
    });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('a client that ends with FIN + close while the command sleeps: the process group is gone, the log says 3007', LIMIT, async () => {
    const dir = tempDir();
    const socket = connect({ host: '127.0.0.1', port: daemon.port });
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write(`${JSON.stringify(run('ops::killable', { arguments: [dir] }))}\n`);
    await waitFor('the command to start', () => existsSync(join(dir, 'child')) && readFileSync(join(dir, 'child'), 'utf8').endsWith('\n'));
    socket.end(); // FIN …
    socket.destroy(); // … and close: no reset, as `uscmdrelay call` killed by Ctrl-C
    const leader = Number(readFileSync(join(dir, 'leader'), 'utf8'));
    const child = Number(readFileSync(join(dir, 'child'), 'utf8'));
    await waitFor('the process group to end', () => !isRunning(leader) && !isRunning(child));
    const line = await daemon.waitForLog((l) => l.msg === 'request' && l.command === 'killable' && Array.isArray(l.args) && l.args[0] === dir);
    assert.deepEqual([line.code, line.signal], [3007, 'SIGTERM']);
  });

  it('a client that half-closes and waits (nc -N) gets its answer, after white space', LIMIT, async () => {
    const gate = join(tempDir(), 'gate');
    const socket = connect({ host: '127.0.0.1', port: daemon.port, allowHalfOpen: true });
    await once(socket, 'connect');
    socket.end(`${JSON.stringify(run('ops::gated', { arguments: [gate] }))}\n`); // request, then FIN
    let raw = String((await once(socket, 'data'))[0]); // a probe: the command still waits at its gate
    assert.match(raw, /^ +$/);
    writeFileSync(gate, '');
    socket.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    await once(socket, 'end');
    socket.destroy();
    assert.match(raw, /^ +\{.*\}\n$/);
    const answer = parse(raw);
    assert.deepEqual([answer.code, answer.message], [0, 'finished']);
    // A command without on_disconnect = kill gets no probes.
    const plain = await sendRaw(daemon.port, `${JSON.stringify(run('ops::short-continue'))}\n`);
    assert.match(plain, /^\{.*\}\n$/);
  });

  it('nc -N itself gets the answer', { ...LIMIT, skip: !existsSync('/usr/bin/nc') && 'needs nc (netcat-openbsd)' }, async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile('nc', ['-N', '127.0.0.1', String(daemon.port)], (error, out) => (error ? reject(new Error('nc failed', { cause: error })) : resolve(out)));
      child.stdin?.end(`${JSON.stringify(run('ops::short'))}\n`);
    });
    const answer = parse(stdout.split('\n').filter((line) => line.trim() !== '').at(-1) ?? '');
    assert.deepEqual([answer.code, answer.message], [0, 'finished']);
  });
});

describe('item 6: the audit line names the command as configured', () => {
  let daemon: DaemonHandle;
  before(async () => {
    daemon = await startDaemon({ auth: AUTH_CONF, relays: '[h]\necho = /bin/echo\nkelvin = /bin/echo kelvin\n' });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('h::echo is logged as h / echo: the name as configured', LIMIT, async () => {
    const answer = await ask(daemon, run('h::echo', { arguments: ['lower'], id: 'lower-case' }));
    assert.deepEqual([answer.code, answer.message], [0, 'lower']);
    const line = await daemon.waitForLog((l) => l.msg === 'request' && l.request_id === answer.request_id);
    assert.deepEqual([line.cluster, line.command], ['h', 'echo']);
  });

  // Request names are matched exactly (issue 10, item 15): `h::ECHO` or a Kelvin sign (U+212A,
  // which lower-cases to k) runs nothing, so no alert on a command name can be dodged; the line
  // logs what was asked as `requested`, never as a command.
  for (const [asked, why] of [
    ['h::ECHO', 'upper case'],
    ['h::\u212Aelvin', 'a Kelvin sign'],
  ] as const) {
    it(`${why} (${asked}) runs nothing and is logged as requested, not as a command`, LIMIT, async () => {
      const answer = await ask(daemon, run(asked));
      assert.deepEqual([answer.code, answer.message], [2001, `Unknown command: ${asked}`]);
      const line = await daemon.waitForLog((l) => l.msg === 'request' && l.request_id === answer.request_id);
      assert.deepEqual([line.cluster, line.command, line.requested], [undefined, undefined, asked]);
    });
  }
});

describe('items 7 and 8: the daemon-wide output budget, and what a 3003 answer carries', () => {
  let daemon: DaemonHandle;
  const work = tempDir();
  before(async () => {
    daemon = await startDaemon({
      auth: AUTH_CONF,
      relays: `[out::hold]
command = /bin/sh -c 'head -c 100000 /dev/zero | tr "\\\\000" x; while [ ! -e "$1" ]; do sleep 0.05; done' hold

[out::flood]
command = /bin/sh -c 'head -c 150000 /dev/zero | tr "\\\\000" y; sleep 100' flood
max_output = 1M

[out::capped]
command = /bin/sh -c 'echo kept-part; exec yes' capped
max_output = 4K

[default]
echo = /bin/echo
true = /bin/true
`,
      args: ['--max-buffered-output', '100000'],
    });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('past --max-buffered-output new runs get 3005; once the output is sent they run again', LIMIT, async () => {
    const release = join(work, 'release');
    const held = ask(daemon, run('out::hold', { arguments: [release] }));
    // Probes that print nothing, so they take nothing from the budget the held run fills.
    const probe = { auth_key: ORIGINAL_KEY, command: 'true' };
    // Until the daemon has read the 100000 bytes, other runs still get in.
    let busy = await ask(daemon, probe);
    for (let attempt = 0; attempt < 400 && busy.code !== 3005; attempt++) {
      await delay(25);
      busy = await ask(daemon, probe);
    }
    assert.deepEqual(
      [busy.code, busy.message],
      [3005, 'Busy: concurrency limit reached: the daemon holds as much command output as --max-buffered-output allows'],
    );
    writeFileSync(release, '');
    const answer = await held;
    assert.deepEqual([answer.code, String(answer.message).length], [0, 100000]);
    // Released once the answer has left for the kernel: a moment after the client has it.
    const echo = { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['small'] };
    let again = await ask(daemon, echo);
    for (let attempt = 0; attempt < 40 && again.code === 3005; attempt++) {
      await delay(25);
      again = await ask(daemon, echo);
    }
    assert.deepEqual([again.code, again.message], [0, 'small']);
  });

  it('a run whose output would pass the budget is cut as at its cap (3003, truncated)', LIMIT, async () => {
    const answer = await ask(daemon, run('out::flood'));
    assert.deepEqual(
      [answer.code, answer.message, answer.truncated],
      [3003, 'Command output passed its cap and the command was killed', true],
    );
    const again = await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['after'] });
    assert.equal(again.message, 'after');
  });

  it('a 3003 answer carries the error text, not the output that was kept', LIMIT, async () => {
    const answer = await ask(daemon, run('out::capped'));
    assert.deepEqual(
      [answer.code, answer.message, answer.truncated, answer.exit_code],
      [3003, 'Command output passed its cap and the command was killed', true, null],
    );
    assert.ok(!JSON.stringify(answer).includes('kept-part'));
  });
});
