// The fastify application of the HTTP door (SPEC 11): routes onto the one road, /healthz and
// /metrics. Bytes become a request value and a credential here; the road does everything else.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { fastify, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerFactory } from 'fastify';
import type { Logger } from '../../log/index.js';
import { decodeRequestBody, readRequest, RelayError } from '../../protocol/index.js';
import type { Caller, Relay, RoadEntry } from '../../relay/index.js';
import { consolePlugin } from './console.js';
import { answerJson, answerStream, sendRelayJson, type RoadCall } from './answer.js';
import { answerModeOf, bearerOf, callerOf, hasKeyInQuery } from './request-parts.js';

export interface HttpAppOptions {
  relay: Relay;
  logger: Logger;
  maxRequestBytes: number;
  draining: () => boolean; // true once SIGTERM started the drain: /healthz answers 503
  metrics: (() => Promise<{ contentType: string; text: string }>) | null;
  metricsToken: string | null; // `--metrics-token`: /metrics requires `Bearer T`
  // A request the HTTP parser could not take (timeout, bad framing): answered on the socket.
  onClientError: (error: Error & { code?: string }, socket: Socket) => void;
  // True once onClientError answered this connection (a body that came too slowly).
  answeredEarly: (socket: Socket) => boolean;
}

// The key beside the body: from `Authorization: Bearer KEY`. `required` routes (listings, jobs)
// take an absent header as an empty key, which the road refuses like every unknown key (401).
// undefined: the key is the body's `auth_key`.
function bearerKeyOf(request: FastifyRequest, required: boolean): string | undefined {
  const bearer = bearerOf(request.headers);
  if (bearer.kind === 'malformed') throw new RelayError('MALFORMED', "the Authorization header must be 'Bearer KEY'");
  if (bearer.kind === 'key') return bearer.key;
  return required ? '' : undefined;
}

// The HTTP door's request: the body validated once, its credential the key beside it or in it,
// streaming as the Accept header decided.
function readEntry(value: unknown, bearerKey: string | undefined, stream: boolean, caller: Caller): RoadEntry {
  const { request, bodyKey } = readRequest(value, bearerKey === undefined);
  if (bearerKey !== undefined && bodyKey !== undefined && bodyKey !== bearerKey) throw new RelayError('MALFORMED', 'two different keys (body and Authorization)');
  request.stream = stream;
  return { request, credential: { kind: 'auth_key', key: bearerKey ?? bodyKey ?? '' }, caller };
}

// A query value that is a plain number becomes one, an empty one is absent; anything else
// (text, a repeated parameter) goes to the road's schema as sent, which names the bad field.
function queryNumber(query: unknown, name: string): unknown {
  const value: unknown = typeof query === 'object' && query !== null ? Reflect.get(query, name) : undefined;
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

// Compares in constant time (after hashing, so lengths do not leak either).
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function createHttpApp(options: HttpAppOptions, serverFactory: FastifyServerFactory): FastifyInstance<Server> {
  const { relay, logger } = options;
  // fastify's own request log is off: the road's audit line is the one record of a request.
  const app = fastify({
    logger: false,
    serverFactory,
    bodyLimit: options.maxRequestBytes,
    return503OnClosing: false,
    clientErrorHandler: options.onClientError,
  });

  // The body is JSON whatever the Content-Type says (`curl -d` sends a form type).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, decodeRequestBody(Buffer.isBuffer(body) ? body : Buffer.from(body)));
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)), undefined);
    }
  });

  // Keys never go in URLs: refused before the body is read, and the URL is logged nowhere.
  app.addHook('onRequest', async (request, reply) => {
    if (options.draining()) reply.header('connection', 'close');
    if (hasKeyInQuery(request.url)) {
      return sendRelayJson(reply, relay.reject(new RelayError('MALFORMED', 'keys never go in URLs: send Authorization: Bearer KEY'), callerOf(request.socket)));
    }
    return undefined;
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    if (options.answeredEarly(request.socket)) {
      reply.hijack();
      return undefined;
    }
    const caller = callerOf(request.socket);
    if (error instanceof RelayError) return sendRelayJson(reply, relay.reject(error, caller));
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    const status = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendRelayJson(reply, relay.reject(new RelayError('REQUEST_TOO_LARGE'), caller));
    if (typeof status === 'number' && status >= 400 && status < 500) return sendRelayJson(reply, relay.reject(new RelayError('MALFORMED'), caller));
    logger.error({ err: error, transport: 'http' }, 'internal error');
    return sendRelayJson(reply, relay.reject(new RelayError('INTERNAL'), caller));
  });

  app.setNotFoundHandler((request, reply) => {
    const response = relay.reject(new RelayError('MALFORMED', 'no such route'), callerOf(request.socket));
    return reply.code(404).type('application/json; charset=utf-8').send(JSON.stringify(response));
  });

  // One request onto the road, answered as the Accept header asks.
  async function toRoad(request: FastifyRequest, reply: FastifyReply, value: unknown, required: boolean, streamable: boolean): Promise<void> {
    const bearerKey = bearerKeyOf(request, required);
    const caller = callerOf(request.socket);
    const mode = streamable ? answerModeOf(request.headers) : 'json';
    let entry: RoadEntry | RelayError;
    try {
      entry = readEntry(value, bearerKey, mode !== 'json', caller);
    } catch (error) {
      if (!(error instanceof RelayError)) throw error;
      entry = error; // answered in the mode asked for, like every refusal on the road
    }
    const call: RoadCall = { relay, caller, entry };
    if (mode === 'json') return answerJson(reply, call);
    return answerStream(reply, call, mode);
  }

  app.post('/v1/run', (request, reply) => toRoad(request, reply, request.body, false, true));
  app.get('/v1/commands', (request, reply) => toRoad(request, reply, { op: 'list' }, true, false));

  // Jobs (SPEC 10): thin mappings onto the road's job ops.
  app.post('/v1/jobs', (request, reply) => {
    const body = request.body;
    const value = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, detach: true } : body;
    return toRoad(request, reply, value, false, false);
  });
  app.get('/v1/jobs', (request, reply) => toRoad(request, reply, { op: 'jobs' }, true, false));
  app.get<{ Params: { id: string } }>('/v1/jobs/:id', (request, reply) => {
    const value: Record<string, unknown> = { op: 'job', job_id: request.params.id };
    const offset = queryNumber(request.query, 'offset');
    const wait = queryNumber(request.query, 'wait');
    if (offset !== undefined) value.offset = offset;
    if (wait !== undefined) value.wait = wait;
    return toRoad(request, reply, value, true, false);
  });
  app.delete<{ Params: { id: string } }>('/v1/jobs/:id', (request, reply) =>
    toRoad(request, reply, { op: 'cancel', job_id: request.params.id }, true, false),
  );

  // No authentication: a load balancer's probe. 503 from SIGTERM on, while the drain runs.
  app.get('/healthz', async (_request, reply) => {
    const draining = options.draining();
    return reply
      .code(draining ? 503 : 200)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ status: draining ? 'shutting down' : 'ok' }));
  });

  app.get('/metrics', async (request, reply) => {
    if (options.metrics === null) return reply.callNotFound();
    if (options.metricsToken !== null) {
      const bearer = bearerOf(request.headers);
      if (bearer.kind !== 'key' || !sameSecret(bearer.key, options.metricsToken)) {
        return reply.code(401).header('www-authenticate', 'Bearer').type('application/json; charset=utf-8').send('{"status":"error","message":"metrics token required"}');
      }
    }
    const { contentType, text } = await options.metrics();
    return reply.type(contentType).send(text);
  });

  // Plugins: the web console (SPEC 12) registers here, e.g. `app.register(consolePlugin, …)`.
  void app.register(consolePlugin);

  return app;
}
