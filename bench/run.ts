// `npm run bench`: the daemon against a raw spawn of the same command, side by side in one run
// on this machine (ARCHITECTURE.md, Benchmarks). Absolute figures are noisy; the ratios are what
// count. Tables go to stdout (Markdown, ready for the README); progress goes to stderr.
//
// Knobs (environment): BENCH_REQUESTS (measured requests per row), BENCH_WARMUP (requests before
// each row), BENCH_MB (MiB of large output), BENCH_STREAM_RUNS, BENCH_FLEET_AGENTS,
// BENCH_FLEET_SENDS, BENCH_FLEET=0 to skip the fleet.
import { execFileSync } from 'node:child_process';
import { benchFleet } from './fleet.js';
import { readCpuMs, readStatusKiB, requestLine, requestOnce, sampleRss, startBenchDaemon, streamRequest, type BenchDaemon } from './daemon.js';
import { spawnAndCount, spawnOnce } from './raw.js';
import { fixed, machineHeader, section, table } from './report.js';
import { closedLoop, envInt, median, type LoadFigures } from './stats.js';

const REQUESTS = envInt('BENCH_REQUESTS', 2000);
const WARMUP = envInt('BENCH_WARMUP', 200);
const STREAM_MIB = envInt('BENCH_MB', 512);
const STREAM_RUNS = Math.max(1, envInt('BENCH_STREAM_RUNS', 3));
const FLEET_AGENTS = envInt('BENCH_FLEET_AGENTS', 50);
const FLEET_SENDS = envInt('BENCH_FLEET_SENDS', 30);
const CONCURRENCY = [1, 8] as const;

const TRIVIAL_ARGV = ['/bin/true'];
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

interface TrivialRow {
  concurrency: number;
  daemon: LoadFigures;
  raw: LoadFigures;
  daemonCpuMsPerRequest: number;
}

async function daemonRequest(port: number): Promise<void> {
  const answer = await requestOnce(port, requestLine('bench::true'));
  if (answer.code !== 0) throw new Error(`bench::true answered ${JSON.stringify(answer)}`);
}

async function benchTrivial(daemon: BenchDaemon): Promise<TrivialRow[]> {
  const rows: TrivialRow[] = [];
  for (const concurrency of CONCURRENCY) {
    progress(`trivial command, ${concurrency} client(s): daemon`);
    await closedLoop(WARMUP, concurrency, () => daemonRequest(daemon.port));
    const cpuBefore = readCpuMs(daemon.pid);
    const viaDaemon = await closedLoop(REQUESTS, concurrency, () => daemonRequest(daemon.port));
    const daemonCpuMsPerRequest = (readCpuMs(daemon.pid) - cpuBefore) / REQUESTS;
    progress(`trivial command, ${concurrency} client(s): raw spawn`);
    await closedLoop(WARMUP, concurrency, () => spawnOnce(TRIVIAL_ARGV));
    const raw = await closedLoop(REQUESTS, concurrency, () => spawnOnce(TRIVIAL_ARGV));
    rows.push({ concurrency, daemon: viaDaemon, raw, daemonCpuMsPerRequest });
  }
  return rows;
}

function printTrivial(rows: readonly TrivialRow[]): void {
  console.log(section(`Trivial command (\`${TRIVIAL_ARGV.join(' ')}\`), one TCP connection per request`));
  console.log(`${REQUESTS} measured requests per row after ${WARMUP} warm-up requests; closed loop, each client`);
  console.log('starts its next request when its last one was answered. The client runs in the bench process.\n');
  const figures = (label: string, load: LoadFigures): string[] => [
    label,
    String(load.concurrency),
    fixed(load.perSecond, 0),
    fixed(load.p50Ms),
    fixed(load.p99Ms),
    fixed(load.meanMs),
  ];
  console.log(
    table(
      ['path', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'mean ms'],
      rows.flatMap((row) => [figures('daemon', row.daemon), figures('raw spawn', row.raw)]),
    ),
  );
  console.log('\nRatios, daemon / raw spawn (latency: higher is slower; throughput: lower is slower):\n');
  console.log(
    table(
      ['clients', 'p50 latency', 'p99 latency', 'throughput', 'daemon CPU ms/req'],
      rows.map((row) => [
        String(row.concurrency),
        `${fixed(row.daemon.p50Ms / row.raw.p50Ms)}x`,
        `${fixed(row.daemon.p99Ms / row.raw.p99Ms)}x`,
        `${fixed(row.daemon.perSecond / row.raw.perSecond)}x`,
        fixed(row.daemonCpuMsPerRequest, 3),
      ]),
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
}

async function streamThroughDaemon(daemon: BenchDaemon, bytes: number): Promise<{ seconds: number; wireBytes: number }> {
  const begin = performance.now();
  const result = await streamRequest(daemon.port, requestLine('bench::stream', { arguments: [String(bytes)], stream: true }));
  const seconds = (performance.now() - begin) / 1000;
  if (result.final.code !== 0) throw new Error(`bench::stream answered ${JSON.stringify(result.final)}`);
  if (result.payloadBytes !== bytes) throw new Error(`bench::stream delivered ${result.payloadBytes} bytes, not ${bytes}`);
  return { seconds, wireBytes: result.wireBytes };
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
  idleRssKiB: number;
  hwmKiB: number;
}

async function benchStream(daemon: BenchDaemon, startRssKiB: number): Promise<StreamResult> {
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
    const cpuBefore = readCpuMs(daemon.pid);
    const viaDaemon = await streamThroughDaemon(daemon, bytes);
    const cpuMs = readCpuMs(daemon.pid) - cpuBefore;
    const rss = sampler.stop();
    const rawSeconds = await streamRaw(bytes);
    runs.push({
      daemonMiBps: STREAM_MIB / viaDaemon.seconds,
      rawMiBps: STREAM_MIB / rawSeconds,
      wirePerPayload: viaDaemon.wireBytes / bytes,
      peakRssKiB: rss.peakKiB,
      daemonCpuMsPerMiB: cpuMs / STREAM_MIB,
    });
  }
  return { runs, startRssKiB, idleRssKiB, hwmKiB: readStatusKiB(daemon.pid, 'VmHWM') };
}

function printStream(result: StreamResult): void {
  const { runs } = result;
  const daemonMiBps = median(runs.map((run) => run.daemonMiBps));
  const rawMiBps = median(runs.map((run) => run.rawMiBps));
  const mib = (kib: number): string => `${fixed(kib / 1024, 1)} MiB`;
  console.log(section(`Large output: ${STREAM_MIB} MiB of stdout, \`"stream": true\``));
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
        ['daemon RSS just after start', mib(result.startRssKiB)],
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

  const daemon = await startBenchDaemon(RELAYS_CONF);
  const startRssKiB = readStatusKiB(daemon.pid, 'VmRSS');
  try {
    console.log(`daemon:  dist/cli/main.js serve --port 0 --log <file> --log-level info (pid ${daemon.pid})`);
    printTrivial(await benchTrivial(daemon));
    printStream(await benchStream(daemon, startRssKiB));
  } finally {
    await daemon.stop();
  }
  await runFleet();
  console.log(`\nTotal bench time: ${fixed((performance.now() - began) / 1000, 0)} s.`);
}

await main();
