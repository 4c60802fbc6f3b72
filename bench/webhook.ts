// adnanh/webhook (Debian package `webhook`, Go) serving the same command as the daemon, for a
// side-by-side figure in the same run (issue 8). One HTTP/1.1 request per TCP connection
// (`Connection: close`), and the hook answers only when the command has ended
// (`include-command-output-in-response`), so the load shape is the daemon's.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, tempDir } from '../test/helpers/daemon.js';

export const WEBHOOK_PATH = '/usr/bin/webhook';

export interface WebhookServer {
  pid: number;
  port: number;
  request(): Promise<void>;
  stop(): Promise<void>;
}

// Starts webhook with one hook, `true`, running argv; null when webhook is not installed.
export async function startWebhook(argv: readonly string[]): Promise<WebhookServer | null> {
  if (!existsSync(WEBHOOK_PATH)) return null;
  const dir = tempDir('uscmdrelay-bench-webhook-');
  const hooks = join(dir, 'hooks.json');
  const [command = '', ...args] = argv;
  writeFileSync(
    hooks,
    JSON.stringify([
      {
        id: 'true',
        'execute-command': command,
        'pass-arguments-to-command': args.map((name) => ({ source: 'string', name })),
        'command-working-directory': '/',
        'include-command-output-in-response': true,
      },
    ]),
  );
  const port = await freePort();
  const proc = spawn(WEBHOOK_PATH, ['-hooks', hooks, '-ip', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' });
  const exited = once(proc, 'exit');
  const line = Buffer.from(`GET /hooks/true HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  const request = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const head = Buffer.concat(chunks).subarray(0, 15).toString('latin1');
        if (head.startsWith('HTTP/1.1 200')) resolve();
        else reject(new Error(`webhook answered ${JSON.stringify(head)}`));
      });
      socket.end(line);
    });
  for (let attempt = 0; ; attempt++) {
    try {
      await request();
      break;
    } catch (error) {
      if (attempt > 200 || proc.exitCode !== null) {
        proc.kill('SIGKILL');
        throw error;
      }
      await sleep(25);
    }
  }
  return {
    pid: proc.pid ?? 0,
    port,
    request,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
