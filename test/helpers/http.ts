// The HTTP door of the real daemon: start it with `--http-port 0`, read `http_port` from the
// listening line, and talk HTTP/1.1 to it with node's own client.
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { startDaemon, type DaemonConfig, type DaemonHandle } from './daemon.js';

export interface HttpDaemon extends DaemonHandle {
  httpPort: number;
}

export async function startHttpDaemon(config: DaemonConfig): Promise<HttpDaemon> {
  const daemon = await startDaemon({ ...config, args: ['--http-port', '0', ...(config.args ?? [])] });
  const listening = await daemon.waitForLog((line) => line.msg === 'listening');
  const httpPort = listening.http_port;
  if (typeof httpPort !== 'number') throw new Error(`no http_port in ${JSON.stringify(listening)}`);
  return Object.assign(daemon, { httpPort });
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: () => Record<string, unknown>;
}

export interface HttpCall {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  agent?: Agent | false;
}

// One request; resolves with the whole answer once it has ended.
export function call(port: number, options: HttpCall): Promise<HttpAnswer> {
  const body = options.body === undefined || typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        path: options.path,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// The value of one series in Prometheus text exposition (0 when absent), e.g.
// metricValue(text, 'uscmdrelay_requests_total', { transport: 'http', code: '0' }).
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map<string, string>();
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found.set(pair[1] ?? '', pair[2] ?? '');
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) return Number(match[3]);
  }
  return 0;
}
