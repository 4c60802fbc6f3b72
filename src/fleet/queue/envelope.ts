// The messages of the durable queue (SPEC 9.1). Their `type`s differ from the live fleet's, and
// the type is signed: a queued copy can never pass as a live request, nor one as the other.
import type { RelayResponse } from '../../protocol/index.js';
import type { FleetRequest, FleetVersion } from '../envelope.js';

// Sender → one agent, stored in USCMDRELAY_QUEUE. `to` is that agent's exact name, so a copy
// moved to another agent's subject is refused there; `id` names the request in the results.
export interface QueuedEnvelope {
  v: FleetVersion;
  type: 'queued';
  id: string;
  to: string;
  request: FleetRequest;
  sender_public_key: string;
  nonce: string;
  ts: number; // ms, the sender's clock when it signed
  expires: number; // ms; not started by then: never run
  sig: string;
}

export type QueueRecordState = 'started' | 'answered' | 'expired';

// Agent → USCMDRELAY_RESULTS, signed by the agent: the run began, ended, or never will.
export interface QueueRecord {
  v: FleetVersion;
  type: 'queue-record';
  id: string;
  agent: string;
  nonce: string; // the queued copy's
  ts: number;
  state: QueueRecordState;
  response?: RelayResponse; // with `answered`
  agent_public_key: string;
  sig: string;
}

export interface ManifestTarget {
  agent: string;
  seq: number; // the copy's sequence in USCMDRELAY_QUEUE
}

// Sender → USCMDRELAY_RESULTS: what `results` compares the records with.
export interface QueueManifest {
  v: FleetVersion;
  type: 'queue-manifest';
  id: string;
  to: string; // the pattern as given
  command: string;
  sender_public_key: string;
  ts: number;
  expires: number;
  targets: ManifestTarget[];
  sig: string;
}

// One entry of the agents' registry (KV `uscmdrelay_agents`, key = the agent's name).
export interface AgentRegistration {
  v: FleetVersion;
  name: string;
  public_key: string;
  registered_at: number; // ms, when this agent last started with --queue
}
