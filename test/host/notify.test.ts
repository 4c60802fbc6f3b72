// Type=notify (SPEC 13) without systemd: the test listens on a Unix datagram socket of its own
// (a python3 receiver: Node has no datagram Unix sockets) and names it in NOTIFY_SOCKET.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createServiceNotifier, watchdogIntervalMs } from '../../src/host/index.js';
import { loadNativeAddon } from '../../src/native/addon.js';
import { startCliAgent, type RunningAgent } from '../fleet/helpers/cli.js';
import { startNatsServer } from '../fleet/helpers/nats-server.js';
import { ask, startDaemon, tempDir, writeConfig } from '../helpers/daemon.js';
import { AUTH_CONF, ORIGINAL_KEY, RELAYS_CONF } from '../helpers/fixtures.js';

const silent = pino({ level: 'silent' });

describe('the notifier in-process', () => {
  it('is off without NOTIFY_SOCKET and sends nothing', async () => {
    const sent: string[] = [];
    const notifier = createServiceNotifier({ env: { WATCHDOG_USEC: '1000' }, send: (_, m) => sent.push(m), status: () => 'x', logger: silent });
    assert.equal(notifier.via, 'off');
    notifier.ready();
    notifier.stopping();
    await notifier.close();
    assert.deepEqual(sent, []);
  });

  it('sends READY, RELOADING with MONOTONIC_USEC, STOPPING in order and removes the variables', async () => {
    const sent: Array<[string, string]> = [];
    const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '@test', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '5', PATH: '/bin' };
    const notifier = createServiceNotifier({ env, pid: 5, send: (path, m) => sent.push([path, m]), status: () => 'fine', logger: silent });
    assert.equal(notifier.via, 'native');
    assert.deepEqual(env, { PATH: '/bin' });
    notifier.ready();
    notifier.reloading();
    notifier.stopping();
    await notifier.close();
    assert.deepEqual(
      sent.map(([path, m]) => [path, m.replace(/MONOTONIC_USEC=\d+/, 'MONOTONIC_USEC=N')]),
      [
        ['@test', 'READY=1\nSTATUS=fine'],
        ['@test', 'RELOADING=1\nMONOTONIC_USEC=N\nSTATUS=reloading the configuration'],
        ['@test', 'STOPPING=1\nSTATUS=fine'],
      ],
    );
  });

  it('pings the watchdog at half WATCHDOG_USEC, only when WATCHDOG_PID is this process', () => {
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 9), 15_000);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '9' }, 9), 15_000);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '8' }, 9), null);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '0' }, 9), null);
    assert.equal(watchdogIntervalMs({}, 9), null);
  });
});

// Prints every datagram it receives as one JSON line [text, CLOCK_MONOTONIC µs at receipt], after
// a first line `bound`.
const RECEIVER = `
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    print(json.dumps([s.recv(65536).decode(), time.monotonic_ns() // 1000]), flush=True)
`;

async function notifyReceiver(path: string) {
  const proc = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: string[] = [];
  const receivedAt = new Map<string, number>();
  const waiters: Array<{ match: (all: string[]) => boolean; resolve: () => void }> = [];
  const lines = createInterface({ input: proc.stdout });
  const bound = new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (line === 'bound') return resolve();
      const received: unknown = JSON.parse(line);
      if (!Array.isArray(received)) return;
      const message: unknown = received[0];
      const at: unknown = received[1];
      if (typeof message !== 'string' || typeof at !== 'number') return;
      // systemd-notify (the fallback) sends a BARRIER=1 of its own after each message.
      if (message === 'BARRIER=1') return;
      messages.push(message);
      receivedAt.set(message, at);
      for (const waiter of [...waiters]) {
        if (waiter.match(messages)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  });
  await bound;
  return {
    messages,
    receivedAt,
    // Resolves once the messages received so far satisfy match.
    until: (match: (all: string[]) => boolean) =>
      match(messages) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ match, resolve })),
    stop: async () => {
      proc.kill();
      await once(proc, 'exit');
    },
  };
}

const lifecycleOnly = (messages: string[]) => messages.filter((m) => /^(READY|RELOADING|STOPPING)=1/m.test(m));
const count = (messages: string[], pattern: RegExp) => messages.filter((m) => pattern.test(m)).length;

const hasSystemdNotify = spawnSync('systemd-notify', ['--version'], { stdio: 'ignore' }).status === 0;
const VARIANTS = [
  { via: 'native', env: {}, skip: loadNativeAddon() === null && 'the native addon is not built' },
  { via: 'systemd-notify', env: { USCMDRELAY_NO_NATIVE_ADDON: '1' }, skip: !hasSystemdNotify && 'systemd-notify is not installed' },
] as const;

describe('serve with NOTIFY_SOCKET', () => {
  for (const variant of VARIANTS) {
    it(`says READY, RELOADING then READY on SIGHUP, STOPPING on SIGTERM, and pings the watchdog (${variant.via})`, { skip: variant.skip }, async () => {
      const socketPath = join(tempDir(), 'notify');
      const receiver = await notifyReceiver(socketPath);
      // 200 ms: a ping every 100 ms.
      const env = { ...variant.env, NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '200000' };
      const daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS_CONF, env });
      try {
        assert.equal((await daemon.waitForLog((l) => l.msg === 'systemd notification on')).via, variant.via);
        await receiver.until((all) => count(all, /^READY=1/) === 1);
        const ready = receiver.messages.find((m) => m.startsWith('READY=1'));
        assert.equal(ready, `READY=1\nSTATUS=listening on 127.0.0.1:${daemon.port}; requests: 0 served, 0 running`);
        const readyAt = receiver.messages.length;
        await receiver.until((all) => count(all.slice(readyAt), /^WATCHDOG=1$/m) >= 2);

        assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['hi'] })).code, 0);
        const beforeReload = process.hrtime.bigint() / 1000n;
        daemon.proc.kill('SIGHUP');
        await receiver.until((all) => count(all, /^READY=1/) === 2);
        const reloading = receiver.messages.find((m) => m.startsWith('RELOADING=1')) ?? '';
        const monotonic = /^MONOTONIC_USEC=(\d+)$/m.exec(reloading)?.[1];
        // CLOCK_MONOTONIC, read after the signal was sent and before python's monotonic clock saw it.
        const receivedAt = BigInt(receiver.receivedAt.get(reloading) ?? 0);
        assert.ok(monotonic !== undefined && BigInt(monotonic) >= beforeReload && BigInt(monotonic) <= receivedAt, `${reloading} received at ${receivedAt}`);

        assert.equal(await daemon.stop(), 0);
        await receiver.until((all) => count(all, /^STOPPING=1/) === 1);
        const events = lifecycleOnly(receiver.messages).map((m) => m.split('\n')[0]);
        assert.deepEqual(events, ['READY=1', 'RELOADING=1', 'READY=1', 'STOPPING=1']);
        const readyAgain = lifecycleOnly(receiver.messages)[2];
        assert.equal(readyAgain, `READY=1\nSTATUS=listening on 127.0.0.1:${daemon.port}; requests: 1 served, 0 running`);
      } finally {
        await daemon.stop();
        await receiver.stop();
      }
    });
  }
});

// The agent lives the same host lifecycle as serve: the same messages, its door in STATUS=.
describe('agent with NOTIFY_SOCKET', () => {
  const variant = VARIANTS[0];
  it(`says READY, RELOADING then READY on SIGHUP, STOPPING on SIGTERM (${variant.via})`, { skip: variant.skip }, async () => {
    const dir = tempDir();
    writeConfig(dir, { auth: AUTH_CONF, relays: RELAYS_CONF });
    const receiver = await notifyReceiver(join(dir, 'notify'));
    const broker = await startNatsServer();
    let agent: RunningAgent | null = null;
    try {
      agent = await startCliAgent(['--nats', broker.url, '--name', 'web1.prod', '--config-dir', dir], 'agent ready', { NOTIFY_SOCKET: join(dir, 'notify') });
      await receiver.until((all) => count(all, /^READY=1/) === 1);
      assert.equal(receiver.messages.find((m) => m.startsWith('READY=1')), `READY=1\nSTATUS=agent web1.prod on 127.0.0.1:${broker.port}; requests: 0 served, 0 running`);
      agent.child.kill('SIGHUP');
      await receiver.until((all) => count(all, /^READY=1/) === 2);
      assert.equal(await agent.stop(), 0);
      await receiver.until((all) => count(all, /^STOPPING=1/) === 1);
      assert.deepEqual(
        lifecycleOnly(receiver.messages).map((m) => m.split('\n')[0]),
        ['READY=1', 'RELOADING=1', 'READY=1', 'STOPPING=1'],
      );
    } finally {
      await agent?.stop();
      await broker.stop();
      await receiver.stop();
    }
  });
});
