// `npm run bench:http`: the HTTP door with keep-alive against the TCP door (one connection per
// request, as `nc`) and adnanh/webhook (Debian package `webhook`, keep-alive too), all running the
// same trivial command with the same closed loop of clients, on this machine, side by side.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, freePort, tempDir, writeConfig } from '../test/helpers/daemon.js';
import { BENCH_KEY, requestLine, requestOnce } from './daemon.js';
import { fixed, machineHeader, section, table } from './report.js';
import { closedLoop, envInt, type LoadFigures } from './stats.js';

const REQUESTS = envInt('BENCH_HTTP_REQUESTS', 2000);
const WARMUP = Math.min(200, REQUESTS);
const CONCURRENCY = envInt('BENCH_HTTP_CLIENTS', 8);
const TRUE = '/bin/true';

const progress = (text: string): void => {
  process.stderr.write(`bench:http: ${text}\n`);
};

interface Doors {
  tcpPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

// The daemon with both doors, its audit log in a file as in production.
async function startDaemon(): Promise<Doors> {
  const dir = tempDir('uscmdrelay-bench-http-');
  const keyHash = createHash('sha256').update(BENCH_KEY).digest('hex');
  writeConfig(dir, { auth: `[bench]\nkey_sha256 = ${keyHash}\nauth_clusters = *\n`, relays: `[bench::true]\ncommand = ${TRUE}\n` });
  const logFile = join(dir, 'daemon.log');
  const args = ['serve', '--port', '0', '--http-port', '0', '--config-dir', dir, '--log', logFile, '--log-level', 'info'];
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = once(proc, 'exit');
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`daemon exited with ${proc.exitCode}`);
    const line = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').find((text) => text.includes('"listening"')) : undefined;
    if (line) {
      const parsed = JSON.parse(line) as { port?: unknown; http_port?: unknown };
      if (typeof parsed.port !== 'number' || typeof parsed.http_port !== 'number') throw new Error(`no ports in ${line}`);
      return {
        tcpPort: parsed.port,
        httpPort: parsed.http_port,
        async stop() {
          proc.kill('SIGTERM');
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await sleep(20);
  }
  proc.kill('SIGKILL');
  throw new Error('daemon did not log "listening" in 15 s');
}

// webhook running the same command and answering with its output once it has run.
async function startWebhook(): Promise<{ port: number; proc: ChildProcess } | null> {
  const binary = ['/usr/bin/webhook', '/usr/local/bin/webhook'].find((path) => existsSync(path));
  if (!binary) return null;
  const dir = tempDir('uscmdrelay-bench-webhook-');
  const hooks = join(dir, 'hooks.json');
  writeFileSync(hooks, JSON.stringify([{ id: 'true', 'execute-command': TRUE, 'include-command-output-in-response': true }]));
  const port = await freePort();
  const proc = spawn(binary, ['-hooks', hooks, '-ip', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 300; attempt++) {
    const up = await post(port, '/hooks/true', '', new Agent()).then(
      () => true,
      () => false,
    );
    if (up) return { port, proc };
    await sleep(20);
  }
  proc.kill();
  return null;
}

function get(port: number, path: string, agent: Agent, headers: Record<string, string>): Promise<string> {
  return post(port, path, undefined, agent, headers, 'GET');
}

function post(port: number, path: string, body: string | undefined, agent: Agent, headers: Record<string, string> = {}, method = 'POST'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(name: string, operation: () => Promise<void>): Promise<LoadFigures> {
  progress(`${name}: warm-up`);
  await closedLoop(WARMUP, CONCURRENCY, operation);
  progress(`${name}: ${REQUESTS} requests, ${CONCURRENCY} clients`);
  return closedLoop(REQUESTS, CONCURRENCY, operation);
}

async function main(): Promise<void> {
  console.log(machineHeader());
  const doors = await startDaemon();
  const webhook = await startWebhook();
  const rows: Array<[string, LoadFigures]> = [];
  try {
    const tcpLine = requestLine('bench::true');
    rows.push([
      'TCP door (a connection per request)',
      await measure('tcp', async () => {
        const answer = await requestOnce(doors.tcpPort, tcpLine);
        if (answer.code !== 0) throw new Error(`TCP answered ${JSON.stringify(answer)}`);
      }),
    ]);
    const keepAlive = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const body = JSON.stringify({ command: 'bench::true' });
    const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
    rows.push([
      'HTTP door, keep-alive',
      await measure('http keep-alive', async () => {
        const answer = JSON.parse(await post(doors.httpPort, '/v1/run', body, keepAlive, headers)) as { code?: unknown };
        if (answer.code !== 0) throw new Error(`HTTP answered ${JSON.stringify(answer)}`);
      }),
    ]);
    // The doors alone, no command: the listing.
    const listLine = `${JSON.stringify({ auth_key: BENCH_KEY, op: 'list' })}\n`;
    rows.push([
      'TCP door, listing (no command)',
      await measure('tcp listing', async () => {
        if ((await requestOnce(doors.tcpPort, listLine)).code !== 0) throw new Error('TCP listing failed');
      }),
    ]);
    rows.push([
      'HTTP door, keep-alive, listing (no command)',
      await measure('http listing', async () => {
        const answer = JSON.parse(await get(doors.httpPort, '/v1/commands', keepAlive, headers)) as { code?: unknown };
        if (answer.code !== 0) throw new Error(`HTTP listing answered ${JSON.stringify(answer)}`);
      }),
    ]);
    keepAlive.destroy();
    if (webhook) {
      const webhookAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      rows.push(['webhook, keep-alive', await measure('webhook keep-alive', async () => void (await post(webhook.port, '/hooks/true', '', webhookAgent)))]);
      webhookAgent.destroy();
    } else {
      progress('webhook is not installed (apt-get install webhook): skipped');
    }
  } finally {
    webhook?.proc.kill();
    await doors.stop();
  }
  const tcp = rows[0]?.[1].perSecond ?? Number.NaN;
  const hook = rows.find(([name]) => name.startsWith('webhook'))?.[1].perSecond ?? Number.NaN;
  const tcpListing = rows.find(([name]) => name.startsWith('TCP door, listing'))?.[1].perSecond ?? Number.NaN;
  console.log(section(`Trivial command (${TRUE}) over HTTP: ${REQUESTS} requests, ${CONCURRENCY} clients`));
  console.log(
    table(
      ['door', 'req/s', 'p50 ms', 'p99 ms', '× TCP door (same work)', '× webhook'],
      rows.map(([name, figures]) => {
        const base = name.includes('listing') ? tcpListing : tcp;
        return [name, fixed(figures.perSecond, 0), fixed(figures.p50Ms), fixed(figures.p99Ms), fixed(figures.perSecond / base), name.includes('listing') ? '' : fixed(figures.perSecond / hook)];
      }),
    ),
  );
}

await main();
