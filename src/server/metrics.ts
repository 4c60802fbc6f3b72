// The daemon's Prometheus series (SPEC 11), one registry for every door. Label values are
// transports, relay codes and fixed reasons only: never a key, never client input.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RelayObserver } from '../relay/index.js';
import type { ConnectionGate } from './connection-limits.js';

export interface MetricSources {
  commandsRunning: () => number;
  // Jobs (SPEC 10) report here once they exist; 0 until then.
  jobsRunning: () => number;
}

export interface DaemonMetrics {
  readonly observer: RelayObserver;
  // Wraps the shared connection limits so every admitted connection counts in connections_open.
  countConnections: (limits: ConnectionGate) => ConnectionGate;
  configReloaded: (ok: boolean) => void;
  // The exposition text and its content type.
  render: () => Promise<{ contentType: string; text: string }>;
}

const PREFIX = 'uscmdrelay_';

export function createDaemonMetrics(sources: MetricSources, version: string): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: `${PREFIX}requests_total`,
    help: 'Requests answered, by door and relay code',
    labelNames: ['transport', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${PREFIX}request_duration_seconds`,
    help: 'Time from request start to answer, by door',
    labelNames: ['transport'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: `${PREFIX}auth_failures_total`,
    help: 'Failed authentications, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const reloads = new Counter({
    name: `${PREFIX}config_reloads_total`,
    help: 'Configuration reloads (SIGHUP), by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const connections = new Gauge({ name: `${PREFIX}connections_open`, help: 'Open client connections, all doors', registers: [registry] });
  new Gauge({
    name: `${PREFIX}commands_running`,
    help: 'Commands running now',
    registers: [registry],
    collect() {
      this.set(sources.commandsRunning());
    },
  });
  new Gauge({
    name: `${PREFIX}jobs_running`,
    help: 'Detached jobs running now',
    registers: [registry],
    collect() {
      this.set(sources.jobsRunning());
    },
  });
  new Gauge({
    name: `${PREFIX}build_info`,
    help: 'Version of uscmdrelay and of Node.js',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  }).set({ version, node: process.version }, 1);
  // Zero-valued series from the start, so a rate() has a baseline.
  for (const result of ['ok', 'failed']) reloads.inc({ result }, 0);

  return {
    observer: {
      requestFinished(transport, code, durationMs) {
        requests.inc({ transport, code: String(code) });
        duration.observe({ transport }, durationMs / 1000);
      },
      authFailed(reason) {
        authFailures.inc({ reason });
      },
    },
    countConnections: (limits) => ({
      tryOpen(address) {
        const admitted = limits.tryOpen(address);
        if (typeof admitted !== 'function') return admitted;
        connections.inc();
        let released = false;
        return () => {
          if (released) return;
          released = true;
          connections.dec();
          admitted();
        };
      },
    }),
    configReloaded: (ok) => reloads.inc({ result: ok ? 'ok' : 'failed' }),
    render: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  };
}
