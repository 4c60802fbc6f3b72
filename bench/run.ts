// `npm run bench`: the daemon on each launcher (native, portable; the native one also with its
// connections on Node's sockets) against adnanh/webhook, Node's
// TCP server running the command through the native launcher without the relay (the floor of a
// Node daemon), the same server in C (the floor of any daemon), and a raw spawn of the same
// command, side by side in one run on this machine
// (ARCHITECTURE.md, Benchmarks). Absolute figures are noisy; the ratios are what
// count. Tables go to stdout (Markdown, ready for the README); progress goes to stderr.
//
// Knobs (environment): BENCH_REQUESTS (measured requests per row), BENCH_ROUNDS (alternated rounds
// they are taken in, 4), BENCH_WARMUP (requests before each row's first round),
// BENCH_DAEMON_WARMUP (requests each server serves before the first row; 0: none), BENCH_MB (MiB of large output), BENCH_STREAM_RUNS, BENCH_FLEET_AGENTS, BENCH_FLEET_SENDS,
// BENCH_FLEET=0 to skip the fleet, BENCH_REST_S (seconds the daemons wait before the idle-RSS
// reading), BENCH_GC_REQUESTS (requests the young-garbage figures are taken over; 0: none).
import { execFileSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { benchFleet } from './fleet.js';
import { cpuMeter, readStatusKiB, requestLine, requestOnce, sampleRss, startBenchDaemon, streamRequest, youngGcSince, type BenchDaemon, type YoungGc } from './daemon.js';
import { nativeSpawnOnce, spawnAndCount, spawnOnce, startCFloorServer, startNodeFloorServer } from './raw.js';
import { fixed, machineHeader, section, table } from './report.js';
import { closedLoop, closedLoopTimings, envInt, median, summarize, type LoadFigures } from './stats.js';
import { startWebhook, WEBHOOK_PATH } from './webhook.js';
import type { LauncherName } from '../src/exec/index.js';
import { nativeLauncher } from '../src/exec/launch/index.js';

const REQUESTS = envInt('BENCH_REQUESTS', 2000);
const ROUNDS = Math.max(1, envInt('BENCH_ROUNDS', 4));
const PER_ROUND = Math.ceil(REQUESTS / ROUNDS); // requests a row takes in each round
const WARMUP = envInt('BENCH_WARMUP', 200);
// V8 compiles the daemon's hot path over its first few thousand requests (on its worker threads:
// 0.2-0.3 ms of CPU a request while it lasts). The rows measure a daemon past that, as one that
// has been serving for a while is; the warm-up's own cost is reported beside them.
const DAEMON_WARMUP = envInt('BENCH_DAEMON_WARMUP', 5000);
const DAEMON_WARMUP_CLIENTS = 8;
const STREAM_MIB = envInt('BENCH_MB', 512);
const STREAM_RUNS = Math.max(1, envInt('BENCH_STREAM_RUNS', 3));
const FLEET_AGENTS = envInt('BENCH_FLEET_AGENTS', 50);
const FLEET_SENDS = envInt('BENCH_FLEET_SENDS', 30);
const CONCURRENCY = [1, 8] as const;
const GC_REQUESTS = envInt('BENCH_GC_REQUESTS', 6000);
// V8's memory reducer first looks 8 s into the rest and collects then or 8 s later; the host's
// malloc_trim follows within 3 s (src/host/memory-trim.ts).
const REST_S = envInt('BENCH_REST_S', 20);

const TRIVIAL_ARGV = ['/bin/true'];
// The floor rows: Node's own TCP server running the command through the native launcher, and the
// same server in C; neither has a relay.
const FLOOR_LABEL = 'Node TCP server + native launcher, no relay';
const C_FLOOR_LABEL = 'C server + posix_spawn, no runtime, no relay';
// 255 letters and a newline a line: the newline is the only byte JSON has to escape.
const LINE = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(8).slice(0, 255);
const STREAM_SCRIPT = `yes ${LINE} | head -c "$1"`;
const streamArgv = (bytes: number): string[] => ['/bin/sh', '-c', STREAM_SCRIPT, 'sh', String(bytes)];

const RELAYS_CONF = `[bench]
true = ${TRIVIAL_ARGV.join(' ')}

[bench::stream]
command = /bin/sh -c '${STREAM_SCRIPT}' sh
args = 1
arg_pattern = [0-9]+
`;

const MiB = 2 ** 20;
const progress = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

// --- 1. a trivial command, one connection per request --------------------------------------

// Something that runs the trivial command once per request, measured under the same load.
export interface TrivialTarget {
  label: string;
  pid: number | null; // the process whose CPU time is charged to it; null: the bench process
  request(): Promise<void>;
  needsWarmUp?: boolean; // a daemon: V8 compiles its hot path while it serves, so it is warmed up first
}

// The rows of the trivial-command tables, in order. Each scenario starts its target (or says
// why it is skipped) and stops it at the end; another door (e.g. HTTP keep-alive) adds a row
// by pushing a scenario here.
export interface TrivialScenario {
  label: string;
  start(): Promise<{ target: TrivialTarget; stop(): Promise<void> } | { skipped: string }>;
}

interface TrivialRow {
  label: string;
  concurrency: number;
  load: LoadFigures; // its rounds pooled
  rounds: LoadFigures[]; // each round alone, in order: set against the other rows' same round
  cpuMsPerRequest: number;
}

async function daemonRequest(port: number): Promise<void> {
  const answer = await requestOnce(port, requestLine('bench::true'));
  if (answer.code !== 0) throw new Error(`bench::true answered ${JSON.stringify(answer)}`);
}

// The daemons are shared with the large-output section; started once in main().
const daemons = new Map<string, BenchDaemon>();

// The daemons: each launcher, and the native one again with its plain TCP connections on Node's
// net.Socket instead of the addon (README, Connections), the daemon before native/tcp.c.
interface DaemonSetup {
  name: string; // `uscmdrelay, ${name}` in the tables
  launcher: LauncherName;
  env: Record<string, string>;
}
const DAEMON_SETUPS: DaemonSetup[] = [
  { name: 'native launcher', launcher: 'native', env: {} },
  { name: 'native launcher, Node sockets', launcher: 'native', env: { USCMDRELAY_NODE_SOCKETS: '1' } },
  { name: 'portable launcher', launcher: 'portable', env: {} },
];

function daemonScenario({ name, launcher }: DaemonSetup): TrivialScenario {
  const label = `uscmdrelay, ${name}`;
  return {
    label,
    async start() {
      const daemon = daemons.get(name);
      if (daemon === undefined) return { skipped: launcher === 'native' ? 'the native addon is not built' : 'not started' };
      return { target: { label, pid: daemon.pid, request: () => daemonRequest(daemon.port), needsWarmUp: true }, stop: async () => {} };
    },
  };
}

export const trivialScenarios: TrivialScenario[] = [
  ...DAEMON_SETUPS.map(daemonScenario),
  {
    label: 'adnanh/webhook (Go), HTTP, Connection: close',
    async start() {
      const webhook = await startWebhook(TRIVIAL_ARGV);
      if (webhook === null) return { skipped: `${WEBHOOK_PATH} is not installed (Debian package webhook)` };
      return { target: { label: this.label, pid: webhook.pid, request: webhook.request }, stop: webhook.stop };
    },
  },
  {
    label: FLOOR_LABEL,
    async start() {
      if (nativeLauncher() === null) return { skipped: 'the native addon is not built' };
      const server = await startNodeFloorServer(TRIVIAL_ARGV);
      return { target: { label: this.label, pid: server.pid, request: () => daemonRequest(server.port), needsWarmUp: true }, stop: server.stop };
    },
  },
  {
    label: C_FLOOR_LABEL,
    async start() {
      const server = await startCFloorServer(TRIVIAL_ARGV);
      if (typeof server === 'string') return { skipped: server };
      return { target: { label: this.label, pid: server.pid, request: () => daemonRequest(server.port) }, stop: server.stop };
    },
  },
  {
    label: 'raw spawn from Node (child_process)',
    async start() {
      return { target: { label: this.label, pid: null, request: () => spawnOnce(TRIVIAL_ARGV) }, stop: async () => {} };
    },
  },
  {
    label: 'raw posix_spawn from Node (the addon)',
    async start() {
      const launcher = nativeLauncher();
      if (launcher === null) return { skipped: 'the native addon is not built' };
      return { target: { label: this.label, pid: null, request: () => nativeSpawnOnce(launcher, TRIVIAL_ARGV) }, stop: async () => {} };
    },
  },
];

interface TrivialResult {
  rows: TrivialRow[];
  warmUps: { label: string; cpuMsPerRequest: number; perSecond: number }[];
  skipped: string[];
}

async function benchTrivial(): Promise<TrivialResult> {
  const targets: TrivialTarget[] = [];
  const stops: (() => Promise<void>)[] = [];
  const skipped: string[] = [];
  for (const scenario of trivialScenarios) {
    const started = await scenario.start();
    if ('skipped' in started) skipped.push(`${scenario.label}: skipped, ${started.skipped}`);
    else {
      targets.push(started.target);
      stops.push(started.stop);
    }
  }
  const rows: TrivialRow[] = [];
  const warmUps: TrivialResult['warmUps'] = [];
  try {
    for (const { label, pid, request, needsWarmUp } of targets) {
      if (needsWarmUp !== true || pid === null || DAEMON_WARMUP === 0) continue;
      progress(`trivial command: ${label}, its first ${DAEMON_WARMUP} requests`);
      const cpuSince = cpuMeter(pid);
      const load = await closedLoop(DAEMON_WARMUP, DAEMON_WARMUP_CLIENTS, request);
      warmUps.push({ label, perSecond: load.perSecond, cpuMsPerRequest: cpuSince() / DAEMON_WARMUP });
    }
    // Targets take turns at each concurrency, round after round, so that each meets the machine's
    // slow and fast minutes alike (this VM's speed drifts within a run); a row pools its rounds.
    for (const concurrency of CONCURRENCY) {
      const pooled = targets.map(() => ({ latenciesMs: [] as number[], wallMs: 0, cpuMs: 0, rounds: [] as LoadFigures[] }));
      for (const target of targets) {
        progress(`trivial command, ${concurrency} client(s): ${target.label}, warm-up`);
        await closedLoop(WARMUP, concurrency, target.request);
      }
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [index, target] of targets.entries()) {
          progress(`trivial command, ${concurrency} client(s), round ${round} of ${ROUNDS}: ${target.label}`);
          const cpuSince = cpuMeter(target.pid);
          const timings = await closedLoopTimings(PER_ROUND, concurrency, target.request);
          const row = pooled[index];
          if (row === undefined) continue;
          row.cpuMs += cpuSince();
          row.wallMs += timings.wallMs;
          row.latenciesMs.push(...timings.latenciesMs);
          row.rounds.push(summarize(timings.latenciesMs, timings.wallMs, concurrency));
        }
      }
      for (const [index, target] of targets.entries()) {
        const row = pooled[index];
        if (row === undefined) continue;
        const load = summarize(row.latenciesMs, row.wallMs, concurrency);
        rows.push({ label: target.label, concurrency, load, rounds: row.rounds, cpuMsPerRequest: row.cpuMs / load.requests });
      }
    }
  } finally {
    for (const stop of stops) await stop();
  }
  return { rows, warmUps, skipped };
}

const WEBHOOK_LABEL = 'adnanh/webhook';
const RAW_LABEL = 'raw spawn from Node (child_process)';

function printTrivial({ rows, warmUps, skipped }: TrivialResult): void {
  console.log(section(`Trivial command (\`${TRIVIAL_ARGV.join(' ')}\`), one TCP connection per request`));
  console.log(`${REQUESTS} measured requests per row after ${WARMUP} warm-up requests; closed loop, each client`);
  console.log('starts its next request when its last one was answered. The clients run in the bench process;');
  console.log(`the targets take turns at each concurrency, in ${ROUNDS} round(s) of ${PER_ROUND} requests each, and a row pools`);
  console.log('its rounds. CPU: the serving process (for raw rows, the bench process itself, load generator included).\n');
  if (warmUps.length > 0) {
    console.log(`Before the first row, each server served ${DAEMON_WARMUP} requests at ${DAEMON_WARMUP_CLIENTS} clients, while V8 compiled its`);
    console.log('hot path; the rows measure a server past that.\n');
    console.log(
      table(
        ['first requests after start', 'requests', 'req/s', 'CPU ms/req'],
        warmUps.map((warmUp) => [warmUp.label, String(DAEMON_WARMUP), fixed(warmUp.perSecond, 0), fixed(warmUp.cpuMsPerRequest, 3)]),
      ),
    );
    console.log('');
  }
  console.log(
    table(
      ['path', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'mean ms', 'CPU ms/req'],
      rows.map((row) => [
        row.label,
        String(row.concurrency),
        fixed(row.load.perSecond, 0),
        fixed(row.load.p50Ms),
        fixed(row.load.p99Ms),
        fixed(row.load.meanMs),
        fixed(row.cpuMsPerRequest, 3),
      ]),
    ),
  );
  for (const line of skipped) console.log(`\n${line}`);
  const ratioRows: string[][] = [];
  for (const concurrency of CONCURRENCY) {
    const at = rows.filter((row) => row.concurrency === concurrency);
    const webhook = at.find((row) => row.label.startsWith(WEBHOOK_LABEL));
    const raw = at.find((row) => row.label === RAW_LABEL);
    for (const row of at.filter((candidate) => candidate.label.startsWith('uscmdrelay') || candidate.label === FLOOR_LABEL || candidate.label === C_FLOOR_LABEL)) {
      ratioRows.push([
        row.label,
        String(concurrency),
        webhook ? `${fixed(row.load.perSecond / webhook.load.perSecond)}x` : 'n/a',
        webhook ? `${fixed(row.load.p50Ms / webhook.load.p50Ms)}x` : 'n/a',
        webhook ? roundRatios(row, webhook) : 'n/a',
        raw ? `${fixed(row.load.perSecond / raw.load.perSecond)}x` : 'n/a',
        raw ? `${fixed(row.load.p50Ms / raw.load.p50Ms)}x` : 'n/a',
      ]);
    }
  }
  console.log('\nRatios (req/s: higher is better; p50: lower is better). Per round: the lowest and highest of');
  console.log("the ratios of a round's p50 to webhook's in the same round, how far the machine's noise moves them.\n");
  console.log(table(['server', 'clients', 'req/s / webhook', 'p50 / webhook', 'p50 / webhook, per round', 'req/s / raw spawn', 'p50 / raw spawn'], ratioRows));
}

// The lowest and highest ratio of row's p50 to other's, round by round ("0.95–1.12x").
function roundRatios(row: TrivialRow, other: TrivialRow): string {
  const ratios = row.rounds.flatMap((round, index) => {
    const theirs = other.rounds[index];
    return theirs === undefined ? [] : [round.p50Ms / theirs.p50Ms];
  });
  if (ratios.length === 0) return 'n/a';
  return `${fixed(Math.min(...ratios))}–${fixed(Math.max(...ratios))}x`;
}

// --- 1b. young garbage -------------------------------------------------------------------------

interface YoungGcFigures {
  label: string;
  gc: YoungGc;
}

// The native daemon's young collections over GC_REQUESTS requests at 8 clients, taken from the
// lines V8 prints for each one. A request's objects should all die young; what reaches the old
// generation costs every later collection (README, Benchmarks: "Young garbage").
async function benchYoungGc(): Promise<YoungGcFigures | null> {
  const daemon = daemons.get('native launcher');
  if (daemon === undefined || GC_REQUESTS === 0) return null;
  progress(`young garbage: native launcher, ${GC_REQUESTS} requests at 8 clients`);
  await delay(100); // the line of a collection just before is in
  const before = daemon.youngGc();
  await closedLoop(GC_REQUESTS, 8, () => daemonRequest(daemon.port));
  await delay(100);
  return { label: 'uscmdrelay, native launcher', gc: youngGcSince(before, daemon.youngGc()) };
}

function printYoungGc({ label, gc }: YoungGcFigures): void {
  console.log(section('Young garbage: `/bin/true`, 8 clients, the daemon\'s young collections'));
  console.log(`${GC_REQUESTS} requests after the rows above; from the line \`node --trace-gc-nvp\` prints for each young`);
  console.log('collection (scavenge). The promoted bytes barely move from run to run, unlike CPU time; the number of');
  console.log('scavenges and their pauses also follow the size V8 gives the young generation at the time.\n');
  console.log(
    table(
      ['daemon', 'scavenges', 'KB allocated/req', 'KB promoted/req', 'pause µs/req'],
      [[label, String(gc.scavenges), fixed(gc.allocatedBytes / 1024 / GC_REQUESTS, 1), fixed(gc.promotedBytes / 1024 / GC_REQUESTS), fixed((gc.pauseMs * 1000) / GC_REQUESTS, 1)]],
    ),
  );
}

// --- 2. large output, streamed --------------------------------------------------------------

interface StreamRun {
  daemonMiBps: number;
  rawMiBps: number;
  wirePerPayload: number;
  peakRssKiB: number;
  daemonCpuMsPerMiB: number;
  clientCpuMsPerMiB: number;
}

async function streamThroughDaemon(daemon: BenchDaemon, bytes: number): Promise<{ seconds: number; wireBytes: number; clientCpuMs: number }> {
  const begin = performance.now();
  const clientCpuSince = cpuMeter(null);
  const result = await streamRequest(daemon.port, requestLine('bench::stream', { arguments: [String(bytes)], stream: true }));
  const seconds = (performance.now() - begin) / 1000;
  const clientCpuMs = clientCpuSince();
  if (result.final.code !== 0) throw new Error(`bench::stream answered ${JSON.stringify(result.final)}`);
  if (result.payloadBytes !== bytes) throw new Error(`bench::stream delivered ${result.payloadBytes} bytes, not ${bytes}`);
  return { seconds, wireBytes: result.wireBytes, clientCpuMs };
}

async function streamRaw(bytes: number): Promise<number> {
  const begin = performance.now();
  const received = await spawnAndCount(streamArgv(bytes));
  if (received !== bytes) throw new Error(`raw spawn read ${received} bytes, not ${bytes}`);
  return (performance.now() - begin) / 1000;
}

interface StreamResult {
  runs: StreamRun[];
  startRssKiB: number;
  restedRssKiB: number;
  idleRssKiB: number;
  hwmKiB: number;
}

async function benchStream(daemon: BenchDaemon, startRssKiB: number, restedRssKiB: number): Promise<StreamResult> {
  const bytes = STREAM_MIB * MiB;
  const warmBytes = Math.min(bytes, 16 * MiB);
  progress(`large output: warm-up (${warmBytes / MiB} MiB each way)`);
  await streamThroughDaemon(daemon, warmBytes);
  await streamRaw(warmBytes);
  const idleRssKiB = readStatusKiB(daemon.pid, 'VmRSS');
  const runs: StreamRun[] = [];
  for (let run = 1; run <= STREAM_RUNS; run += 1) {
    progress(`large output: run ${run} of ${STREAM_RUNS}, ${STREAM_MIB} MiB through the daemon, then raw`);
    const sampler = sampleRss(daemon.pid, 20);
    const daemonCpuSince = cpuMeter(daemon.pid);
    const viaDaemon = await streamThroughDaemon(daemon, bytes);
    const cpuMs = daemonCpuSince();
    const rss = sampler.stop();
    const rawSeconds = await streamRaw(bytes);
    runs.push({
      daemonMiBps: STREAM_MIB / viaDaemon.seconds,
      rawMiBps: STREAM_MIB / rawSeconds,
      wirePerPayload: viaDaemon.wireBytes / bytes,
      peakRssKiB: rss.peakKiB,
      daemonCpuMsPerMiB: cpuMs / STREAM_MIB,
      clientCpuMsPerMiB: viaDaemon.clientCpuMs / STREAM_MIB,
    });
  }
  return { runs, startRssKiB, restedRssKiB, idleRssKiB, hwmKiB: readStatusKiB(daemon.pid, 'VmHWM') };
}

function printStream(label: string, result: StreamResult): void {
  const { runs } = result;
  const daemonMiBps = median(runs.map((run) => run.daemonMiBps));
  const rawMiBps = median(runs.map((run) => run.rawMiBps));
  const mib = (kib: number): string => `${fixed(kib / 1024, 1)} MiB`;
  console.log(section(`Large output: ${STREAM_MIB} MiB of stdout, \`"stream": true\`, ${label}`));
  console.log(`Command: \`sh -c 'yes <255 letters> | head -c N'\`. Daemon: one client parses every event line and`);
  console.log(`counts the stdout bytes they carry. Raw: the same argv spawned from Node, stdout read and counted.`);
  console.log(`Median of ${runs.length} run(s) each, after a warm-up; MiB/s of command output delivered.\n`);
  console.log(
    table(
      ['path', 'MiB/s (median)', 'runs'],
      [
        ['daemon, streamed', fixed(daemonMiBps, 0), runs.map((run) => fixed(run.daemonMiBps, 0)).join(' ')],
        ['raw spawn, piped', fixed(rawMiBps, 0), runs.map((run) => fixed(run.rawMiBps, 0)).join(' ')],
      ],
    ),
  );
  console.log('');
  console.log(
    table(
      ['figure', 'value'],
      [
        ['throughput ratio, daemon / raw', `${fixed(daemonMiBps / rawMiBps)}x`],
        ['wire bytes per payload byte (JSON framing)', fixed(median(runs.map((run) => run.wirePerPayload)), 3)],
        ['daemon CPU ms per MiB streamed (median)', fixed(median(runs.map((run) => run.daemonCpuMsPerMiB)), 2)],
        ['client CPU ms per MiB (the bench process reading and parsing)', fixed(median(runs.map((run) => run.clientCpuMsPerMiB)), 2)],
        ['daemon RSS just after start', mib(result.startRssKiB)],
        [`daemon RSS after ${REST_S} s at rest (V8's memory reducer and the host's trim have run)`, mib(result.restedRssKiB)],
        ['daemon RSS after the trivial runs and the warm-up', mib(result.idleRssKiB)],
        ['daemon peak RSS during the runs (VmRSS every 20 ms)', mib(Math.max(...runs.map((run) => run.peakRssKiB)))],
        ['daemon VmHWM at the end (kernel high-water mark)', mib(result.hwmKiB)],
      ],
    ),
  );
}

// --- 3. fleet ---------------------------------------------------------------------------------

function natsServerPath(): string | null {
  try {
    return execFileSync('/bin/sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

async function runFleet(): Promise<void> {
  console.log(section(`Fleet: one signed send to ${FLEET_AGENTS} agents through nats-server`));
  if (process.env.BENCH_FLEET === '0') {
    console.log('Skipped: BENCH_FLEET=0.');
    return;
  }
  const natsServer = natsServerPath();
  if (natsServer === null) {
    console.log('Skipped: nats-server is not installed (`command -v nats-server` found nothing).');
    return;
  }
  progress(`fleet: ${FLEET_AGENTS} agents, ${FLEET_SENDS} sends (${natsServer})`);
  const fleet = await benchFleet(FLEET_AGENTS, FLEET_SENDS);
  console.log(`${fleet.sends} sends after 3 warm-up sends; each agent runs \`/bin/true\` down the real road (auth,`);
  console.log(`policy, spawn, audit log), all in this process. Baseline: the same ${fleet.agents} commands spawned`);
  console.log('at once straight from Node, measured after each send.\n');
  console.log(
    table(
      ['path', 'agents', 'p50 ms', 'p99 ms', 'mean ms'],
      [
        ['send → last answer', String(fleet.agents), fixed(fleet.p50Ms), fixed(fleet.p99Ms), fixed(fleet.meanMs)],
        [`raw spawn of ${fleet.agents}, all at once`, String(fleet.agents), fixed(fleet.baselineP50Ms), '', ''],
      ],
    ),
  );
  console.log(`\np50 ratio, fleet send / raw spawn: ${fixed(fleet.ratioP50)}x`);
}

// --- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  console.log('# uscmdrelay benchmark\n');
  console.log(machineHeader());

  const setups = DAEMON_SETUPS.filter((setup) => setup.launcher === 'portable' || nativeLauncher() !== null);
  const startRss = new Map<string, number>();
  const restedRss = new Map<string, number>();
  for (const { name, launcher, env } of setups) {
    const daemon = await startBenchDaemon(RELAYS_CONF, ['--spawn', launcher], env);
    daemons.set(name, daemon);
    startRss.set(name, readStatusKiB(daemon.pid, 'VmRSS'));
    const settings = Object.entries(env).map(([key, value]) => `${key}=${value} `).join('');
    console.log(`daemon:  ${settings}node --trace-gc-nvp dist/cli/main.js serve --port 0 --log <file> --log-level info --spawn ${launcher} (pid ${daemon.pid})`);
  }
  // A daemon that waits for work: V8 shrinks its heap after some seconds without any.
  progress(`daemons at rest for ${REST_S} s`);
  await delay(REST_S * 1000);
  for (const [name, daemon] of daemons) restedRss.set(name, readStatusKiB(daemon.pid, 'VmRSS'));
  try {
    printTrivial(await benchTrivial());
    const youngGc = await benchYoungGc();
    if (youngGc !== null) printYoungGc(youngGc);
    for (const { name } of setups) {
      const daemon = daemons.get(name);
      if (daemon !== undefined) printStream(name, await benchStream(daemon, startRss.get(name) ?? 0, restedRss.get(name) ?? 0));
    }
  } finally {
    for (const daemon of daemons.values()) await daemon.stop();
  }
  await runFleet();
  console.log(`\nTotal bench time: ${fixed((performance.now() - began) / 1000, 0)} s.`);
}

await main();
