// Debian's chromium driven by playwright-core, against the real daemon's HTTP door.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startDaemon, type DaemonConfig, type DaemonHandle } from '../helpers/daemon.js';

export const CHROMIUM = process.env.USCMDRELAY_TEST_CHROMIUM ?? '/usr/bin/chromium';

// Headless; as root chromium refuses to start without --no-sandbox.
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

export interface ConsoleDaemon {
  daemon: DaemonHandle;
  url: string; // http://127.0.0.1:PORT/
}

// `serve --http-port 0` in its own temp config dir; the port comes from the listening line.
export async function startConsoleDaemon(config: DaemonConfig): Promise<ConsoleDaemon> {
  const daemon = await startDaemon({ ...config, args: ['--http-port', '0', ...(config.args ?? [])] });
  const listening = await daemon.waitForLog((line) => line.msg === 'listening');
  const port = listening.http_port;
  if (typeof port !== 'number') throw new Error(`no http_port in the listening line: ${JSON.stringify(listening)}`);
  return { daemon, url: `http://127.0.0.1:${port}/` };
}
