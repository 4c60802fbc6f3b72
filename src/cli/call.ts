// `uscmdrelay call` (SPEC 7.1): run one command on a relay, with its output and exit status as
// ssh would give them. Also the connection flags `list` shares.
import type { Argv, CommandModule } from 'yargs';
import {
  call,
  callLines,
  callStream,
  ClientError,
  DEFAULT_HOST,
  DEFAULT_PORT,
  exitStatusFor,
  httpBaseUrl,
  readClientKey,
  readPayloadSource,
  readTlsFiles,
  type CallOptions,
  type ConnectionOptions,
} from '../client/index.js';
import { codes, type RelayResponse } from '../protocol/index.js';
import { exits, exitWith } from './exits.js';
import type { GlobalOptions } from './options.js';

export interface ConnectionFlags extends GlobalOptions {
  host: string;
  port: number;
  'key-file'?: string | undefined;
  tls: boolean;
  'tls-ca'?: string | undefined;
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'tls-servername'?: string | undefined;
  http?: string | undefined;
  json: boolean;
}

interface CallFlags extends ConnectionFlags {
  command: string;
  args: string[];
  stream: boolean;
  payload?: string | undefined;
  timeout?: number | undefined;
  id?: string | undefined;
  detach: boolean;
}

// The flags of every client command. No `--key` on purpose: USCMDRELAY_KEY is read directly.
// The root's `.env('USCMDRELAY')` is switched off here: it would turn USCMDRELAY_KEY into an
// unknown `--key` (strict mode refuses it) and the daemon's USCMDRELAY_TIMEOUT into call's.
// The client's own variables are read explicitly instead.
export function withConnectionFlags<T>(y: Argv<T>): Argv<T & ConnectionFlags> {
  const env = process.env;
  return y
    .env(false)
    .option('host', { type: 'string', default: env.USCMDRELAY_HOST || DEFAULT_HOST, describe: 'relay address (env USCMDRELAY_HOST)' })
    .option('port', { type: 'number', default: env.USCMDRELAY_PORT ? Number(env.USCMDRELAY_PORT) : DEFAULT_PORT, describe: 'relay port (env USCMDRELAY_PORT)' })
    .option('key-file', { type: 'string', default: env.USCMDRELAY_KEY_FILE || undefined, describe: 'read the key from FILE (env USCMDRELAY_KEY_FILE; else the key itself in env USCMDRELAY_KEY)' })
    .option('http', { type: 'string', default: env.USCMDRELAY_HTTP || undefined, describe: "use the relay's HTTP door at URL, e.g. http://host:8080 (env USCMDRELAY_HTTP)" })
    .option('tls', { type: 'boolean', default: false, describe: 'connect with TLS (implied by the other --tls-* flags)' })
    .option('tls-ca', { type: 'string', describe: 'trust the relay certificate signed by this CA (PEM) instead of the system CAs' })
    .option('tls-cert', { type: 'string', describe: 'client certificate for mutual TLS (PEM)', implies: 'tls-key' })
    .option('tls-key', { type: 'string', describe: 'private key of --tls-cert (PEM)', implies: 'tls-cert' })
    .option('tls-servername', { type: 'string', describe: 'name the relay certificate must carry (default: --host)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the raw response line(s)' });
}

// A usage problem found in a handler (flag values, an unreadable key file): one line, exit 2,
// as yargs' own usage errors (see the fail handler in main.ts).
export function usageError(message: string): never {
  return exitWith(exits.USAGE, message);
}

// Key, address and TLS from the flags; prints key-file warnings; exits 2 when there is no key.
export function connectionFromFlags(argv: ConnectionFlags): ConnectionOptions {
  const port: unknown = argv.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) usageError('--port must be one number 1..65535');
  try {
    const { key, warnings } = readClientKey(argv['key-file'], process.env);
    for (const warning of warnings) process.stderr.write(`uscmdrelay: ${warning}\n`);
    const wantsTls = argv.tls || Boolean(argv['tls-ca'] || argv['tls-cert'] || argv['tls-servername']);
    const files = { ca: argv['tls-ca'], cert: argv['tls-cert'], key: argv['tls-key'], servername: argv['tls-servername'] };
    const http = argv.http === undefined ? {} : { url: httpBaseUrl(argv.http).href };
    return { host: argv.host, port: argv.port, key, ...http, ...(wantsTls ? { tls: readTlsFiles(files) } : {}) };
  } catch (error) {
    usageError((error as Error).message);
  }
}

// Prints a ClientError (no answer came) and returns ssh's status for it; rethrows anything else.
export function reportNoAnswer(error: unknown): number {
  if (!(error instanceof ClientError)) throw error;
  process.stderr.write(`uscmdrelay: ${error.message}\n`);
  return exits.NO_ANSWER;
}

// `uscmdrelay call … | head -1`: when the reader goes away, end quietly with the status a shell
// gives a command killed by SIGPIPE, as ssh does, not with a stack trace.
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(exits.STDOUT_CLOSED);
    });
  }
}

// Writes and waits when the terminal or pipe is full, so a fast command cannot flood memory.
async function write(stream: NodeJS.WriteStream, data: string): Promise<void> {
  if (data !== '' && !stream.write(data)) await new Promise((resolve) => stream.once('drain', resolve));
}

// Without --json: the command's output where it belongs, and the relay's refusal on stderr.
async function printResponse(response: RelayResponse, streamed: boolean): Promise<void> {
  if (response.code === codes.OK.code || response.code === codes.EXIT_NONZERO.code) {
    // In stream mode the output has already been written as it came.
    if (!streamed && response.message !== '') {
      await write(response.code === codes.OK.code ? process.stdout : process.stderr, `${response.message}\n`);
    }
  } else {
    await write(process.stderr, `uscmdrelay: error ${response.code}: ${response.message}\n`);
  }
  if (response.truncated) await write(process.stderr, 'uscmdrelay: output was truncated at the relay\'s cap\n');
}

async function run(options: CallOptions, argv: CallFlags): Promise<RelayResponse> {
  if (argv.json) {
    for await (const line of callLines(options, argv.stream)) {
      await write(process.stdout, `${line.raw}\n`);
      if ('code' in line.message) return line.message;
    }
  } else if (argv.stream) {
    for await (const event of callStream(options)) {
      if (event.event === 'result') return event.response;
      await write(event.event === 'stdout' ? process.stdout : process.stderr, event.data);
    }
  } else {
    return call(options);
  }
  throw new ClientError('closed', 'no response');
}

// The positional arguments, then what came after `--` (yargs puts that in `_`, after "call").
function commandArguments(argv: CallFlags & { _: Array<string | number> }): string[] {
  return [...argv.args, ...argv._.slice(1)].map(String);
}

export const callCommand: CommandModule<GlobalOptions, CallFlags> = {
  command: 'call <command> [args..]',
  describe: 'run a command on a relay; exits with its status',
  builder: (y) =>
    withConnectionFlags(y)
      // The root keeps only the last of a repeated flag, which here would keep only the last
      // argument; and `call echo -n` means echo's -n, not an unknown flag of call.
      .parserConfiguration({ 'duplicate-arguments-array': true, 'unknown-options-as-args': true })
      .positional('command', { type: 'string', demandOption: true, describe: 'cluster::command, or command (cluster default)' })
      .positional('args', { type: 'string', array: true, default: [], describe: 'arguments for the command (after -- when they start with -)' })
      // requiresArg: without it yargs reads `--payload -` as an empty value and a stray `-`.
      .option('stream', { type: 'boolean', default: false, describe: 'print output as the command produces it' })
      .option('payload', { type: 'string', requiresArg: true, describe: 'send FILE (or - for standard input) as the payload' })
      .option('timeout', { type: 'number', describe: 'seconds; may only lower the configured limit' })
      .option('id', { type: 'string', describe: 'an id the relay echoes back (and logs)' })
      .option('detach', { type: 'boolean', default: false, describe: 'start a job, print its id and return (see `uscmdrelay job`)' }),
  handler: async (argv) => {
    exitQuietlyOnClosedPipe();
    const options: CallOptions = { ...connectionFromFlags(argv), command: argv.command, args: commandArguments(argv) };
    const timeout: unknown = argv.timeout;
    if (timeout !== undefined) {
      if (typeof timeout !== 'number' || !(timeout > 0)) usageError('--timeout must be one number of seconds > 0');
      options.timeout = timeout;
    }
    if (argv.id !== undefined) options.id = String(argv.id);
    if (argv.detach && argv.stream) usageError('--detach and --stream do not go together: follow a job with `uscmdrelay job ID --follow`');
    if (argv.detach) options.detach = true;
    const payload: unknown = argv.payload;
    if (payload !== undefined && typeof payload !== 'string') usageError('--payload takes one FILE or -');
    try {
      if (payload !== undefined) options.payload = await readPayloadSource(payload);
    } catch (error) {
      usageError(`cannot read the payload: ${(error as Error).message}`);
    }
    let response: RelayResponse;
    try {
      response = await run(options, argv);
    } catch (error) {
      process.exitCode = reportNoAnswer(error);
      return;
    }
    if (!argv.json && argv.detach && response.code === codes.OK.code && typeof response.job_id === 'string') {
      await write(process.stdout, `${response.job_id}\n`);
    } else if (!argv.json) await printResponse(response, argv.stream);
    process.exitCode = exitStatusFor(response);
  },
};
