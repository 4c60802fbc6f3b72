// The same exchange through the relay's HTTP door (SPEC 11): the key as `Authorization: Bearer`,
// the request as the body of POST /v1/run (or GET /v1/commands for a listing), the answer as one
// JSON body or, when streaming, NDJSON lines: the same lines the TCP door writes.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ClientError, classifyError } from './errors.js';
import { tlsSettings } from './connection.js';
import { parseAnswerLine, readLines } from './answer.js';
import type { AnswerLine, ConnectionOptions, WireRequest } from './types.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

// The base URL of the door, checked: http(s), no credentials or query (keys never go in URLs).
export function httpBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ClientError('connect', `not a URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ClientError('connect', `the HTTP door's URL must start with http:// or https://`);
  if (url.username !== '' || url.password !== '' || url.search !== '') throw new ClientError('connect', 'the URL must not carry credentials or a query: keys never go in URLs');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function openRequest(options: ConnectionOptions, url: URL, request: WireRequest): Promise<IncomingMessage> {
  const { auth_key: key, ...body } = request;
  const listing = body.op === 'list';
  const target = new URL(listing ? 'v1/commands' : 'v1/run', url);
  const headers: Record<string, string> = {
    authorization: `Bearer ${key}`,
    accept: body.stream === true ? 'application/x-ndjson' : 'application/json',
  };
  if (!listing) headers['content-type'] = 'application/json';
  const settings = { method: listing ? 'GET' : 'POST', headers, ...(options.signal ? { signal: options.signal } : {}) };
  const req = url.protocol === 'https:' ? httpsRequest(target, { ...settings, ...tlsSettings(options, url.hostname) }) : httpRequest(target, settings);
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(new ClientError('timeout', `cannot connect to ${url.origin}: no connection within ${connectTimeout} ms`)), connectTimeout);
    req.once('socket', (socket) => socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(timer)));
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(classifyError(error, url.origin, 'connect'));
    });
    req.end(listing ? undefined : JSON.stringify(body));
  });
}

// Ends after the line that carries `code`; throws a ClientError when there is none.
export async function* exchangeHttp(options: ConnectionOptions & { url: string }, request: WireRequest): AsyncGenerator<AnswerLine> {
  const url = httpBaseUrl(options.url);
  const res = await openRequest(options, url, request);
  const deadline =
    options.responseTimeoutMs === undefined
      ? undefined
      : setTimeout(() => res.destroy(new ClientError('timeout', `no answer from ${url.origin} within ${options.responseTimeoutMs} ms`)), options.responseTimeoutMs);
  try {
    const body: AsyncIterable<Buffer> = res;
    for await (const line of readLines(body)) {
      if (line.text.trim() === '') continue;
      const message = parseAnswerLine(line.text, url.origin);
      if (message === null) continue;
      yield { raw: line.text, message };
      if ('code' in message) return;
    }
  } catch (error) {
    throw classifyError(error, url.origin, 'answer');
  } finally {
    clearTimeout(deadline);
    res.destroy();
  }
  throw new ClientError('closed', `${url.origin} answered HTTP ${res.statusCode ?? 0} without a relay response`);
}
