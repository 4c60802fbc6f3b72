// What a door hands the road besides the request itself: who asked, how they proved it, and
// how to talk back.
import type { AuthFailure, Credential } from '../auth/index.js';
import type { ConfigSnapshot } from '../config/index.js';
import type { OutputListener, StopSignal } from '../exec/types.js';
import type { RoadRequest } from '../protocol/index.js';

// Where a request came from. The same for every door; how the caller proved who they are is
// the Credential, never a field here.
export interface Caller {
  remoteAddress: string;
  remotePort: number;
  transport: 'tcp' | 'tls' | 'nats' | 'http';
}

// One request for the road: validated (protocol/request.ts) and with its credential.
export interface RoadEntry {
  request: RoadRequest;
  credential: Credential;
  caller: Caller;
  // The snapshot a door already read for its own checks (the agent's admission knows the
  // signer in it): the road then uses that one, so both see the same configuration across a
  // SIGHUP. Absent: the road reads the current one.
  snapshot?: ConfigSnapshot;
}

export interface RequestIo {
  onOutput: OutputListener | null; // stream mode events; null to ignore them
  clientGone: StopSignal | null; // the door aborts it when the client goes away
  // Called while an `on_disconnect = kill` command runs: the door starts checking actively that
  // the client is still there (aborting clientGone if not); the returned function stops it.
  watchClientGone?: () => () => void;
  // Called with the release of the memory the answer holds (captured output): the door calls
  // it once the answer has been sent or can no longer be. Without it, released at once.
  keepUntilSent?: (release: () => void) => void;
}

// Told about every request that leaves the road and every failed authentication (metrics).
// Values are codes, transports and fixed reasons only: never a key or client input.
export interface RelayObserver {
  requestFinished(transport: Caller['transport'], code: number, durationMs: number): void;
  authFailed(reason: AuthFailure): void;
}
