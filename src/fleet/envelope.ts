// The messages of the fleet protocol (SPEC 9). Every one is a JSON object with `v: 1` and a
// `type`, which the signature covers, so a signed message of one kind never passes as another.
import type { RelayResponse, WireRequest } from '../protocol/index.js';

// The `v` of every message this code writes and the only one it reads.
export const FLEET_VERSION = 1;
export type FleetVersion = typeof FLEET_VERSION;

// The part of a SPEC 2.1 request a sender may put in an envelope (protocol's WireRequest): no
// auth_key (the signature is the credential), no streaming, no jobs.
export type FleetRequest = Pick<WireRequest, 'command' | 'payload' | 'payload_encoding' | 'timeout'> & {
  arguments?: string[];
  id?: string;
  op?: 'run' | 'list';
};

// Sender → agents. `reply` is signed so that a broker cannot redirect the answers.
export interface RequestEnvelope {
  v: FleetVersion;
  type: 'request';
  to: string; // target pattern (SPEC 9 "Names and targets")
  reply: string; // NATS subject for acks and responses
  request: FleetRequest;
  sender_public_key: string;
  nonce: string;
  ts: number; // ms since the epoch, the sender's clock
  sig: string;
}

// Agent → sender, at once. `nonce` is the request's: it ties the answer to that request.
export interface AckEnvelope {
  v: FleetVersion;
  type: 'ack';
  agent: string;
  nonce: string;
  ts: number;
  agent_public_key?: string; // present, with `sig`, when the agent has an identity
  sig?: string;
}

// Agent → sender, when the road is done.
export interface ResponseEnvelope {
  v: FleetVersion;
  type: 'response';
  agent: string;
  nonce: string;
  ts: number;
  response: RelayResponse;
  agent_public_key?: string;
  sig?: string;
}

// Anyone → waiters on `name` (the semaphore of SPEC 9).
export interface SignalEnvelope {
  v: FleetVersion;
  type: 'signal';
  name: string;
  message: string;
  sender_public_key: string;
  nonce: string;
  ts: number;
  sig: string;
}

export type ReplyEnvelope = AckEnvelope | ResponseEnvelope;
export type Envelope = RequestEnvelope | ReplyEnvelope | SignalEnvelope;
