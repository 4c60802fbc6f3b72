// `list`: the commands this key may run (SPEC 7.2).
import { buildListRequest } from './build-request.js';
import { exchange } from './exchange.js';
import { codes, type ListedCommand } from '../protocol/index.js';
import type { AnswerLine, ConnectionOptions, ListResult } from './types.js';

// Keeps the well-formed entries only: the listing is printed, and a relay is not trusted blindly.
function listedCommands(value: unknown): ListedCommand[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry: unknown): entry is { command: string; description?: unknown } => typeof entry === 'object' && entry !== null && 'command' in entry && typeof entry.command === 'string')
    .map((entry) => ({ command: entry.command, description: typeof entry.description === 'string' ? entry.description : '' }));
}

// Resolves with the response and its commands (none when the relay refused the key).
export async function list(options: ConnectionOptions): Promise<ListResult> {
  for await (const line of listLines(options)) {
    const message = line.message;
    if ('code' in message) return { response: message, commands: message.code === codes.OK.code ? listedCommands(message.commands) : [] };
  }
  throw new Error('unreachable: exchange ends with a response or throws');
}

// The list exchange with the relay's lines as written, for `--json`.
export function listLines(options: ConnectionOptions): AsyncGenerator<AnswerLine> {
  return exchange(options, buildListRequest(options.key));
}
