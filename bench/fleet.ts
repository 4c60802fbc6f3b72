// Fleet benchmark: one signed `send` to 50 agents on this machine through a real nats-server,
// each agent running the command down the real core road (auth, policy, spawn, audit log).
// Measured: publish → last answer, over repeated sends; beside it the same 50 commands spawned
// directly (no broker, no relay), the baseline the ratio is against.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadConfigSnapshot } from '../src/config/index.js';
import { connectNats, generateIdentity, loadIdentity, sendFleetRequest } from '../src/fleet/index.js';
import { createLogger } from '../src/log/index.js';
import { createRelay } from '../src/relay/index.js';
import { startAgent, type FleetAgent } from '../src/server/nats/index.js';
import { startNatsServer } from '../test/fleet/helpers/nats-server.js';
import { tempDir } from '../test/helpers/daemon.js';

export interface FleetBenchFigures {
  agents: number;
  sends: number;
  p50Ms: number; // publish → every agent answered
  p99Ms: number;
  meanMs: number;
  baselineP50Ms: number; // the same commands spawned directly, all at once
  ratioP50: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function spawnAll(count: number): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, async () => once(spawn('/bin/true', [], { stdio: 'ignore' }), 'exit')));
  return performance.now() - started;
}

// Runs the benchmark; `agents` and `sends` are there for quick runs.
export async function benchFleet(agents = 50, sends = 30, warmup = 3): Promise<FleetBenchFigures> {
  const dir = tempDir('bench-fleet-');
  const server = await startNatsServer();
  const connections: NatsConnection[] = [];
  const running: FleetAgent[] = [];
  try {
    const { pem, publicKey } = generateIdentity();
    writeFileSync(join(dir, 'sender.pem'), pem, { mode: 0o600 });
    const sender = loadIdentity(join(dir, 'sender.pem')).identity;
    writeFileSync(join(dir, 'auth.conf'), `[bench-sender]\npublic_key = ${publicKey}\nauth_clusters = bench\n`, { mode: 0o600 });
    chmodSync(join(dir, 'auth.conf'), 0o600);
    writeFileSync(join(dir, 'relays.conf'), '[bench]\ntrue = /bin/true\n');
    const snapshot = loadConfigSnapshot({ configDir: dir, defaults: { timeoutMs: 10_000, maxOutput: 1 << 20, shellExec: false } });
    const logger = createLogger({ file: '/dev/null', level: 'info' }); // audit lines written, as in production
    for (let index = 0; index < agents; index += 1) {
      const name = `host${index}.bench`;
      const connection = await connectNats({ servers: [server.url], name, persistent: true });
      connections.push(connection);
      const relay = createRelay({ getSnapshot: () => snapshot, logger });
      running.push(await startAgent({ connection, name, identity: null, relay, getSnapshot: () => snapshot, logger, allowSkewMs: 30_000 }));
    }
    const client = await connectNats({ servers: [server.url], name: 'bench sender', persistent: false });
    connections.push(client);

    const times: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < warmup + sends; round += 1) {
      const result = await sendFleetRequest({ connection: client, identity: sender, to: '*.bench', request: { command: 'bench::true' }, timeoutMs: 30_000, expect: agents });
      const answered = result.rows.filter((row) => row.state === 'answered' && row.response.code === 0).length;
      if (answered !== agents) throw new Error(`only ${answered} of ${agents} agents answered with code 0`);
      const spawned = await spawnAll(agents);
      if (round >= warmup) {
        times.push(result.lastAnswerMs ?? result.elapsedMs);
        baseline.push(spawned);
      }
    }
    times.sort((a, b) => a - b);
    baseline.sort((a, b) => a - b);
    const p50Ms = percentile(times, 50);
    const baselineP50Ms = percentile(baseline, 50);
    return {
      agents,
      sends,
      p50Ms,
      p99Ms: percentile(times, 99),
      meanMs: times.reduce((sum, time) => sum + time, 0) / times.length,
      baselineP50Ms,
      ratioP50: p50Ms / baselineP50Ms,
    };
  } finally {
    for (const agent of running) await agent.stop();
    for (const connection of connections) await connection.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/fleet.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchFleet();
  console.log(JSON.stringify(figures, (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * 100) / 100 : value)));
}
