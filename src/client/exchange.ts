// One request on one connection: send the line, yield the answer's lines up to the final response.
import type { RelayResponse } from '../protocol/index.js';
import { setLongTimeout } from '../timers/index.js';
import { ClientError, classifyError } from './errors.js';
import { openConnection, targetOf } from './connection.js';
import { exchangeHttp } from './exchange-http.js';
import { parseAnswerLine, readLines } from './answer.js';
import type { AnswerLine, ConnectionOptions, WireRequest } from './types.js';

// Ends after the line that carries `code`; throws a ClientError when there is none.
export async function* exchange(options: ConnectionOptions, request: WireRequest): AsyncGenerator<AnswerLine> {
  if (options.url !== undefined) {
    yield* exchangeHttp({ ...options, url: options.url }, request);
    return;
  }
  const target = targetOf(options);
  const socket = await openConnection(options);
  const onAbort = () => socket.destroy(new ClientError('aborted', `call to ${target} aborted`));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const clearDeadline =
    options.responseTimeoutMs === undefined
      ? () => {}
      : setLongTimeout(
          () => socket.destroy(new ClientError('timeout', `no answer from ${target} within ${options.responseTimeoutMs} ms`)),
          options.responseTimeoutMs,
        );
  let lines = 0;
  try {
    // No half-close after the line: the newline ends the request, and some relays treat a
    // closed sending side as a client that went away.
    socket.write(`${JSON.stringify(request)}\n`);
    for await (const line of readLines(socket)) {
      if (!line.terminated && line.text.trim() === '') break;
      const message = parseAnswerLine(line.text, target);
      lines += 1;
      if (message === null) continue;
      yield { raw: line.text, message };
      if ('code' in message) return;
    }
  } catch (error) {
    throw classifyError(error, target, 'answer');
  } finally {
    clearDeadline();
    options.signal?.removeEventListener('abort', onAbort);
    socket.destroy();
  }
  // Silence from the start is most often a TLS mismatch the relay could only answer by hanging up.
  const hint =
    lines > 0 ? '' : options.tls ? ' (does the relay accept your client certificate?)' : ' (if the relay serves TLS, use --tls)';
  throw new ClientError('closed', `connection to ${target} closed without a response${hint}`);
}

// The exchange's final response and its line as the relay wrote it; output events are skipped.
export async function exchangeOnce(options: ConnectionOptions, request: WireRequest): Promise<AnswerLine & { message: RelayResponse }> {
  for await (const line of exchange(options, request)) {
    const message = line.message;
    if ('code' in message) return { raw: line.raw, message };
  }
  throw new Error('unreachable: exchange ends with a response or throws');
}
