// `callStream`: run a command with `stream: true` and see its output as it is produced.
import { buildRunRequest } from './build-request.js';
import { exchange } from './exchange.js';
import type { AnswerLine, CallEvent, CallOptions } from './types.js';

// Yields stdout/stderr events in the order the command wrote them, then one `result` event.
// Breaking out of the loop closes the connection.
export async function* callStream(options: CallOptions): AsyncGenerator<CallEvent> {
  for await (const line of exchange(options, buildRunRequest(options, true))) {
    const message = line.message;
    yield 'code' in message ? { event: 'result', response: message } : message;
  }
}

// The same exchange with each line as the relay wrote it, for callers that print raw JSON.
export function callLines(options: CallOptions, stream: boolean): AsyncGenerator<AnswerLine> {
  return exchange(options, buildRunRequest(options, stream));
}
