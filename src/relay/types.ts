// The core road's inputs besides the request itself: who asked, and how to talk back.
import type { OutputListener, StopSignal } from '../exec/types.js';

export interface Caller {
  remoteAddress: string;
  remotePort: number;
  transport: 'tcp' | 'tls' | 'nats' | 'http';
  // Set by a door whose protocol already proved the sender's ed25519 identity (SPEC 9):
  // the core then authenticates this public key instead of `auth_key`.
  signer?: string;
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

// What a door that carried the key beside the body hands the road with an already-parsed value.
export interface ValueCredential {
  authKey?: string | undefined; // `Authorization: Bearer KEY`; absent: the body's `auth_key`
}

// Overrides a door sets from its own protocol (HTTP: the Accept header decides streaming).
export interface ValueOverrides {
  stream?: boolean;
}

// Told about every request that leaves the road and every failed authentication (metrics).
// Values are codes, transports and fixed reasons only: never a key or client input.
export interface RelayObserver {
  requestFinished(transport: Caller['transport'], code: number, durationMs: number): void;
  authFailed(reason: 'throttled' | 'unknown key' | 'source address not allowed'): void;
}
