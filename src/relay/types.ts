// The core road's inputs besides the request itself: who asked, and how to talk back.
import type { OutputListener, StopSignal } from '../exec/types.js';

export interface Caller {
  remoteAddress: string;
  remotePort: number;
  transport: 'tcp' | 'tls' | 'nats';
  // Set by a door whose protocol already proved the sender's ed25519 identity (SPEC 9):
  // the core then authenticates this public key instead of `auth_key`.
  signer?: string;
}

export interface RequestIo {
  onOutput: OutputListener | null; // stream mode events; null to ignore them
  clientGone: StopSignal | null; // the door aborts it when the client goes away
}
