// sd_notify for Type=notify (SPEC 13): READY, RELOADING, STOPPING, WATCHDOG and STATUS messages
// to the datagram socket systemd names in NOTIFY_SOCKET. Without NOTIFY_SOCKET nothing happens.
import type { Logger } from '../log/index.js';
import { loadNativeAddon } from '../native/addon.js';

// Sends one datagram to the notify socket; throws on failure. The native addon's sdNotify.
export type NotifySend = (socketPath: string, message: string) => void;

// The native addon's sender when the addon is built; null: the systemd-notify fallback.
export function nativeNotifySend(): NotifySend | null {
  const addon = loadNativeAddon();
  return addon ? (socketPath, message) => addon.sdNotify(socketPath, message) : null;
}

export interface ServiceNotifier {
  // How messages leave: `native` (the addon), `systemd-notify` (the fallback), or `off`.
  readonly via: 'native' | 'systemd-notify' | 'off';
  // Listening (again): READY=1 with the status; also after a reload.
  ready(): void;
  // SIGHUP: RELOADING=1 with MONOTONIC_USEC (systemd ≥ 253 wants both), READY=1 follows.
  reloading(): void;
  // The drain has begun.
  stopping(): void;
  // Stops the timers and waits until every message has left (the fallback runs a process each).
  close(): Promise<void>;
}

export interface NotifyOptions {
  env?: NodeJS.ProcessEnv;
  pid?: number;
  // The addon's sender; null or absent: spawn systemd-notify, which needs NotifyAccess=all.
  send?: NotifySend | null;
  // The STATUS= text, read at each message and at each status tick.
  status: () => string;
  logger: Logger;
  // How often STATUS= is refreshed when it changed (ms); the watchdog period, when shorter, wins.
  statusIntervalMs?: number;
}

const OFF: ServiceNotifier = { via: 'off', ready() {}, reloading() {}, stopping() {}, close: async () => {} };

// CLOCK_MONOTONIC in µs: on Linux process.hrtime reads that clock (libuv's uv_hrtime).
function monotonicMicroseconds(): bigint {
  return process.hrtime.bigint() / 1000n;
}

// The watchdog period in ms (half of WATCHDOG_USEC), or null when the watchdog is not ours.
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = env.WATCHDOG_USEC;
  if (usec === undefined || !/^\d+$/.test(usec) || Number(usec) === 0) return null;
  const watchdogPid = env.WATCHDOG_PID;
  if (watchdogPid !== undefined && watchdogPid !== '' && Number(watchdogPid) !== pid) return null;
  return Math.max(1, Math.floor(Number(usec) / 2000));
}

// Builds the notifier from NOTIFY_SOCKET/WATCHDOG_USEC/WATCHDOG_PID and removes them from env
// (sd_notify's unset_environment): a child must never speak for the daemon.
export function createServiceNotifier(options: NotifyOptions): ServiceNotifier {
  const env = options.env ?? process.env;
  const pid = options.pid ?? process.pid;
  const socketPath = env.NOTIFY_SOCKET;
  const watchdogMs = watchdogIntervalMs(env, pid);
  delete env.NOTIFY_SOCKET;
  delete env.WATCHDOG_USEC;
  delete env.WATCHDOG_PID;
  if (socketPath === undefined || socketPath === '') return OFF;
  const { logger } = options;
  const sender = options.send ? nativeSender(socketPath, options.send, logger) : systemdNotifySender(socketPath, env.PATH, logger);

  let lastStatus = '';
  const withStatus = (lines: string[]): string => {
    lastStatus = options.status();
    return [...lines, `STATUS=${lastStatus}`].join('\n');
  };
  // One timer: the watchdog ping (with STATUS= when it changed), or a plain status refresh.
  const tickMs = Math.min(watchdogMs ?? Infinity, options.statusIntervalMs ?? 5000);
  const timer = setInterval(() => {
    const status = options.status();
    const lines = watchdogMs === null ? [] : ['WATCHDOG=1'];
    if (status !== lastStatus) lines.push(`STATUS=${status}`);
    lastStatus = status;
    if (lines.length > 0) sender.send(lines.join('\n'));
  }, tickMs);
  timer.unref();
  logger.info({ notify_socket: socketPath, via: sender.via, watchdog_ms: watchdogMs }, 'systemd notification on');

  return {
    via: sender.via,
    ready: () => sender.send(withStatus(['READY=1'])),
    reloading: () => sender.send([`RELOADING=1`, `MONOTONIC_USEC=${monotonicMicroseconds()}`, 'STATUS=reloading the configuration'].join('\n')),
    stopping: () => sender.send(withStatus(['STOPPING=1'])),
    async close() {
      clearInterval(timer);
      await sender.drained();
    },
  };
}

interface Sender {
  via: 'native' | 'systemd-notify';
  send(message: string): void;
  drained(): Promise<void>;
}

// The addon sends synchronously, so messages leave in order; a failure is logged once.
function nativeSender(socketPath: string, send: NotifySend, logger: Logger): Sender {
  let warned = false;
  return {
    via: 'native',
    send(message) {
      try {
        send(socketPath, message);
      } catch (error) {
        if (!warned) logger.warn({ err: error, notify_socket: socketPath }, 'systemd notification failed');
        warned = true;
      }
    },
    drained: async () => {},
  };
}

// Node has no datagram Unix sockets: run `systemd-notify VAR=VALUE …` per message, one at a time
// so they arrive in order. systemd accepts them only with NotifyAccess=all (the sender is not the
// main process); systemd-notify waits for systemd to process each one (its barrier).
function systemdNotifySender(socketPath: string, path: string | undefined, logger: Logger): Sender {
  const queue: string[] = [];
  let running: Promise<void> | null = null;
  let broken = false;

  const runOne = (message: string): Promise<void> =>
    new Promise((resolve) => {
      // node:child_process only here: a daemon with the addon never loads it.
      const child = process.getBuiltinModule('node:child_process').spawn('systemd-notify', message.split('\n'), {
        env: { NOTIFY_SOCKET: socketPath, PATH: path ?? '/usr/local/bin:/usr/bin:/bin' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (error) => {
        broken = true;
        logger.warn({ err: error }, 'systemd notification failed: systemd-notify cannot run (build the native addon, or install systemd)');
        resolve();
      });
      child.on('close', (code) => {
        if (code !== 0 && code !== null) logger.warn({ exit_code: code, stderr: stderr.trim() }, 'systemd-notify failed');
        resolve();
      });
    });

  const pump = async (): Promise<void> => {
    for (let message = queue.shift(); message !== undefined; message = queue.shift()) {
      if (!broken) await runOne(message);
    }
    running = null;
  };

  return {
    via: 'systemd-notify',
    send(message) {
      if (broken) return;
      // A watchdog ping already waiting needs no twin behind it.
      if (message === 'WATCHDOG=1' && queue.includes(message)) return;
      queue.push(message);
      running ??= pump();
    },
    drained: async () => {
      while (running) await running;
    },
  };
}
