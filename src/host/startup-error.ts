// A failure before the daemon serves (SPEC 6): the CLI prints its message as one line, exit 2.
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

const LISTEN_REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use (another daemon on that port?)',
  EADDRNOTAVAIL: 'the address is not available on this host',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
};

// What went wrong binding host:port, in one line.
export function listenFailure(host: string, port: number, error: unknown): StartupError {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  const reason = LISTEN_REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  return new StartupError(`cannot listen on ${host}:${port}: ${reason}`);
}
