// The options and results of the client library (SPEC 7.1): one request, its events, one answer.
import type { ListedCommand, OutputEvent, RelayResponse } from '../protocol/index.js';

// PEM contents (not paths: the library never reads files; the CLI does).
export type Pem = string | Buffer;

export interface ClientTlsOptions {
  ca?: Pem | Pem[]; // trust these CAs instead of the system's
  cert?: Pem; // client certificate for mutual TLS
  key?: Pem; // its private key
  servername?: string; // SNI and the name the server certificate must carry; default: host
  rejectUnauthorized?: boolean; // default true: an unverifiable server is refused
}

// Where and how to reach the relay.
export interface ConnectionOptions {
  host?: string; // default 127.0.0.1
  port?: number; // default 7777
  url?: string; // the relay's HTTP door (`http(s)://host:port`); used instead of host and port
  key: string; // the auth key; sent in the request, never logged
  tls?: boolean | ClientTlsOptions; // true: TLS with the system's CAs
  connectTimeoutMs?: number; // default 10 000; covers the TLS handshake too
  responseTimeoutMs?: number; // give up waiting for the answer after this long; default: wait
  signal?: AbortSignal; // aborting closes the connection (the command may run on: SPEC 5.1)
}

export interface CallOptions extends ConnectionOptions {
  command: string; // `name` or `cluster::name`
  args?: readonly string[];
  payload?: Buffer | string; // sent as UTF-8 text when it is clean, else base64
  timeout?: number; // seconds; may only lower the configured limit
  id?: string; // echoed back as `id`
  detach?: boolean; // start a job and answer at once with its `job_id` (SPEC 10)
}

// The request object of SPEC 2.1 as sent: only the fields that were given.
export type WireRequest = Record<string, unknown> & { auth_key: string };

export interface ResultEvent {
  event: 'result';
  response: RelayResponse;
}

// What callStream yields: output as it is produced, then exactly one result.
export type CallEvent = OutputEvent | ResultEvent;

// A line of the answer as it came (for --json) and what it means.
export interface AnswerLine {
  raw: string;
  message: OutputEvent | RelayResponse;
}

export interface ListResult {
  response: RelayResponse;
  commands: ListedCommand[]; // empty when the relay refused
}
