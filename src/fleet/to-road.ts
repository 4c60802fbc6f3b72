// How an agent, live or queued, hands a signed fleet request to the core road (SPEC 9): the
// sender's verified public key is the credential, and the snapshot whose signers the admission
// checked is the one the road authenticates against.
import type { ConfigSnapshot } from '../config/index.js';
import { readRequest, type RelayResponse } from '../protocol/index.js';
import type { Caller, Relay, RoadEntry } from '../relay/index.js';
import type { FleetRequest } from './envelope.js';

// A fleet request has no address of its own: the broker relays it.
function natsCaller(): Caller {
  return { remoteAddress: 'nats', remotePort: 0, transport: 'nats' };
}

// The road's answer to one admitted request; never throws (a malformed request is 2099).
export async function askRoad(relay: Pick<Relay, 'handle' | 'reject'>, request: FleetRequest, signer: string, snapshot: ConfigSnapshot): Promise<RelayResponse> {
  const caller = natsCaller();
  let entry: RoadEntry;
  try {
    // Output events would have nowhere to go: the fleet answers with one response per agent.
    const read = readRequest({ ...request, stream: false }, false);
    entry = { request: read.request, credential: { kind: 'signer', publicKey: signer }, caller, snapshot };
  } catch (error) {
    return relay.reject(error, caller);
  }
  return relay.handle(entry, { onOutput: null, clientGone: null });
}
