// The host's lifecycle in-process (SPEC 6), with fake doors and a fake road: the order of the
// drain, the second signal, SIGHUP's reload, a stop before the doors are open, a door lost.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it, mock } from 'node:test';
import { pino } from 'pino';
import { loadConfigSnapshot, type ConfigSnapshot } from '../../src/config/index.js';
import { CLOSE_DOORS_MS, QUIET_CHECK_MS, runHost, StartupError, type ConfigHolder, type Door, type Hosted, type HostOptions } from '../../src/host/index.js';
import { configDir, DEFAULTS, MINIMAL_AUTH, MINIMAL_RELAYS } from '../config/helpers.js';

const GRACE_MS = 5000;

interface Harness {
  signals: EventEmitter;
  events: string[];
  logs: Array<Record<string, unknown>>;
  options(open: HostOptions['open']): HostOptions;
}

function harness(snapshot: ConfigSnapshot = loadConfigSnapshot({ configDir: configDir(MINIMAL_AUTH, MINIMAL_RELAYS), defaults: DEFAULTS })): Harness {
  const signals = new EventEmitter();
  const events: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  return {
    signals,
    events,
    logs,
    options: (open) => ({ config: { configDir: undefined, defaults: DEFAULTS }, snapshot, logger, shutdownGraceMs: GRACE_MS, notifySend: null, open, signals }),
  };
}

function fakeDoor(name: string, events: string[], lost?: Promise<void>): Door {
  return {
    label: `${name} door`,
    stopAccepting: () => events.push(`${name}: stop accepting`),
    close(timeoutMs) {
      events.push(`${name}: close within ${timeoutMs} ms`);
      return Promise.resolve();
    },
    ...(lost ? { lost } : {}),
  };
}

// A road whose drain waits for the grace to end when `holdUntilGraceEnds`.
function fakeRoad(events: string[], holdUntilGraceEnds = false): Hosted['road'] {
  return {
    inFlight: () => 1,
    served: () => 3,
    jobsRunning: () => 0,
    async shutdown(graceMs, endGrace) {
      events.push(`road: drain with ${graceMs} ms of grace`);
      if (holdUntilGraceEnds && endGrace && !endGrace.aborted) await once(endGrace, 'abort');
      events.push(endGrace?.aborted ? 'road: grace ended early' : 'road: drained');
    },
  };
}

// Resolves once the host has logged `msg`.
async function logged(host: Harness, msg: string): Promise<void> {
  while (!host.logs.some((line) => line.msg === msg)) await new Promise((resolve) => setImmediate(resolve));
}

describe('runHost', () => {
  it('opens the doors, and on the first SIGTERM stops every door taking requests, drains the road, then closes the doors', async () => {
    const host = harness();
    const { events } = host;
    const running = runHost(
      host.options(() => {
        events.push('open');
        return Promise.resolve({ road: fakeRoad(events), doors: [fakeDoor('tcp', events), fakeDoor('http', events)] });
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    host.signals.emit('SIGTERM', 'SIGTERM');
    assert.equal(await running, 'stopped');
    assert.deepEqual(events, [
      'open',
      'tcp: stop accepting',
      'http: stop accepting',
      `road: drain with ${GRACE_MS} ms of grace`,
      'road: drained',
      `tcp: close within ${CLOSE_DOORS_MS} ms`,
      `http: close within ${CLOSE_DOORS_MS} ms`,
    ]);
    const shutting = host.logs.find((line) => line.msg === 'shutting down');
    assert.deepEqual([shutting?.received, shutting?.running, shutting?.jobs, shutting?.grace_ms], ['SIGTERM', 1, 0, GRACE_MS]);
    assert.equal(host.logs.at(-1)?.msg, 'stopped');
  });

  it('ends the grace at a second SIGINT during the drain', async () => {
    const host = harness();
    const { events } = host;
    const running = runHost(host.options(() => Promise.resolve({ road: fakeRoad(events, true), doors: [fakeDoor('tcp', events)] })));
    await new Promise((resolve) => setImmediate(resolve));
    host.signals.emit('SIGINT', 'SIGINT');
    await logged(host, 'shutting down');
    assert.ok(!events.includes('road: grace ended early'));
    host.signals.emit('SIGINT', 'SIGINT');
    assert.equal(await running, 'stopped');
    assert.deepEqual(events.slice(-2), ['road: grace ended early', `tcp: close within ${CLOSE_DOORS_MS} ms`]);
  });

  it('reloads on SIGHUP: a valid configuration is swapped in, a bad one leaves the old in place; each outcome is reported', async () => {
    const dir = configDir(MINIMAL_AUTH, MINIMAL_RELAYS);
    const first = loadConfigSnapshot({ configDir: dir, defaults: DEFAULTS });
    const host = harness(first);
    const outcomes: boolean[] = [];
    const opened: { config: ConfigHolder | null } = { config: null };
    const running = runHost({
      ...host.options((holder) => {
        opened.config = holder;
        return Promise.resolve({ road: fakeRoad(host.events), doors: [fakeDoor('tcp', host.events)], configReloaded: (ok: boolean) => outcomes.push(ok) });
      }),
      config: { configDir: dir, defaults: DEFAULTS },
    });
    await new Promise((resolve) => setImmediate(resolve));
    const current = (): ConfigSnapshot | undefined => opened.config?.current();
    assert.equal(current(), first);

    writeFileSync(join(dir, 'relays.conf'), `${MINIMAL_RELAYS}date = /bin/date\n`);
    host.signals.emit('SIGHUP', 'SIGHUP');
    const second = current();
    assert.notEqual(second, first);
    assert.deepEqual([...(second?.clusters.get('default')?.keys() ?? [])].sort(), ['date', 'uptime']);

    writeFileSync(join(dir, 'relays.conf'), '[default]\nbroken = \n');
    host.signals.emit('SIGHUP', 'SIGHUP');
    assert.equal(current(), second);
    assert.deepEqual(outcomes, [true, false]);
    assert.deepEqual(
      host.logs.filter((line) => /reload/.test(String(line.msg))).map((line) => line.msg),
      ['SIGHUP: reloading configuration', 'configuration reloaded', 'SIGHUP: reloading configuration', 'configuration reload failed; keeping the old configuration'],
    );
    host.signals.emit('SIGTERM', 'SIGTERM');
    assert.equal(await running, 'stopped');
  });

  it('ends the start at a stop signal while the doors are still opening (a broker not up yet): stopped, nothing to drain', async () => {
    const host = harness();
    const running = runHost(host.options(() => new Promise<Hosted>(() => {})));
    await new Promise((resolve) => setImmediate(resolve));
    host.signals.emit('SIGTERM', 'SIGTERM');
    assert.equal(await running, 'stopped');
    assert.deepEqual(
      host.logs.map((line) => [line.msg, line.received]),
      [['stopped before the doors were open', 'SIGTERM']],
    );
  });

  it('ends at once, without a drain, when a door is lost for good', async () => {
    const host = harness();
    const { events } = host;
    let lose = (): void => {};
    const lost = new Promise<void>((resolve) => (lose = resolve));
    const running = runHost(host.options(() => Promise.resolve({ road: fakeRoad(events), doors: [fakeDoor('nats', events, lost)] })));
    await new Promise((resolve) => setImmediate(resolve));
    lose();
    assert.equal(await running, 'door lost');
    assert.deepEqual(events, []);
  });

  it('trims memory while the road is quiet, from the doors opening until the drain', async (t) => {
    mock.timers.enable({ apis: ['setInterval'] });
    t.after(() => mock.timers.reset());
    const host = harness();
    const { events } = host;
    let trims = 0;
    const quietRoad = { ...fakeRoad(events), inFlight: () => 0 };
    const running = runHost({ ...host.options(() => Promise.resolve({ road: quietRoad, doors: [fakeDoor('tcp', events)] })), trimMemory: () => void trims++ });
    // The trimmer starts once the doors are open, a few turns of the event loop from now.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    mock.timers.tick(QUIET_CHECK_MS);
    mock.timers.tick(QUIET_CHECK_MS);
    assert.equal(trims, 2);
    host.signals.emit('SIGTERM', 'SIGTERM');
    assert.equal(await running, 'stopped');
    mock.timers.tick(QUIET_CHECK_MS * 3);
    assert.equal(trims, 2, 'no trim once the drain has begun');
  });

  it('passes on a door that cannot open (a StartupError: one line, exit 2)', async () => {
    const host = harness();
    await assert.rejects(
      runHost(
        host.options(() => Promise.reject(new StartupError('cannot listen on 127.0.0.1:1: permission denied'))),
      ),
      { name: 'StartupError', message: 'cannot listen on 127.0.0.1:1: permission denied' },
    );
  });
});
