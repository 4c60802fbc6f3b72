// How a long-running command (serve, agent) ends: it runs on the host until a stop signal has
// drained it (exit 0) or a door is lost (exit 1); a door that cannot open is a start-up failure
// (one line, exit 2). The log is drained before either exit.
import { runHost, StartupError, type HostOptions } from '../host/index.js';
import { drainLogger } from '../log/index.js';
import { startupFailure } from './startup.js';

export async function hostUntilStopped(options: HostOptions): Promise<never> {
  const end = await runHost(options).catch((error: unknown) => {
    if (error instanceof StartupError) startupFailure(error.message);
    throw error;
  });
  await drainLogger(options.logger);
  process.exit(end === 'stopped' ? 0 : 1);
}
