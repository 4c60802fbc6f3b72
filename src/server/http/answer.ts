// Hands one request to the road and writes the relay's answer: one JSON body, or a stream of
// events (NDJSON or server-sent events) honouring backpressure, then the final response.
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { RelayError, type OutputEvent, type RelayResponse } from '../../protocol/index.js';
import type { Caller, Relay, RequestIo, RoadEntry } from '../../relay/index.js';
import { outputEventLine } from '../../exec/index.js';
import { drained } from '../drained.js';
import type { AnswerMode } from './request-parts.js';
import { httpStatusOf } from './status.js';

const JSON_TYPE = 'application/json; charset=utf-8';

// One JSON answer with the status SPEC 11 maps the code to.
export function sendRelayJson(reply: FastifyReply, response: RelayResponse): FastifyReply {
  return reply.code(httpStatusOf(response.code)).type(JSON_TYPE).send(JSON.stringify(response));
}

// Aborted when the client goes away before its answer was written (on_disconnect, SPEC 5.2).
function clientGoneSignal(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return gone.signal;
}

export interface RoadCall {
  relay: Relay;
  caller: Caller;
  entry: RoadEntry | RelayError; // the request the door read, or why it could not
}

// The road's response to the request, or the refusal of one the door could not read.
async function roadResponse(call: RoadCall, io: RequestIo): Promise<RelayResponse> {
  if (call.entry instanceof RelayError) return call.relay.reject(call.entry, call.caller);
  return call.relay.handle(call.entry, io);
}

// The answer as one JSON body (the request's stream flag is off: Accept decided).
export async function answerJson(reply: FastifyReply, call: RoadCall): Promise<void> {
  const io = { onOutput: null, clientGone: clientGoneSignal(reply.raw) };
  const response = await roadResponse(call, io);
  // The client went away: nothing to write (the road has answered and logged).
  if (reply.raw.destroyed) {
    reply.hijack();
    return;
  }
  await sendRelayJson(reply, response);
}

const STREAM_TYPES = { ndjson: 'application/x-ndjson; charset=utf-8', sse: 'text/event-stream; charset=utf-8' } as const;

function ndjsonLine(value: object): string {
  return `${JSON.stringify(value)}\n`;
}

// `event:` names the stream (stdout, stderr, result); `data:` is the same JSON as the NDJSON line.
function sseEvent(name: string, value: object): string {
  return `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
}

// Streams 2.3 events, then the final response. The head is written with the first event, or
// with the final response when nothing ran (so a refusal keeps its 4xx status).
export async function answerStream(reply: FastifyReply, call: RoadCall, mode: Exclude<AnswerMode, 'json'>): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  const writeHead = (status: number): void => {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': STREAM_TYPES[mode], 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  };
  // An NDJSON event line is the TCP door's line: outputEventLine writes it from the bytes.
  const format = (event: OutputEvent): string | Buffer => (mode === 'sse' ? sseEvent(event.event, event) : outputEventLine(event));
  const onOutput = (event: OutputEvent): Promise<void> | undefined => {
    if (res.destroyed || res.writableEnded) return undefined;
    writeHead(200);
    if (res.write(format(event))) return undefined;
    // Full: exec pauses the command's pipes until the client has read (or gone).
    return drained(res);
  };
  const io = { onOutput, clientGone: clientGoneSignal(res) };
  const response = await roadResponse(call, io);
  if (res.destroyed) return;
  writeHead(httpStatusOf(response.code));
  res.end(mode === 'sse' ? sseEvent('result', response) : ndjsonLine(response));
}
