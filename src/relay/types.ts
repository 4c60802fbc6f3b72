// The core road's inputs besides the request itself: who asked, and how to talk back.
import type { OutputListener } from '../exec/types.js';

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
  clientGone: AbortSignal | null; // the door aborts it when the client goes away
  // Called while an `on_disconnect = kill` command runs: the door starts checking actively that
  // the client is still there (aborting clientGone if not); the returned function stops it.
  watchClientGone?: () => () => void;
  // Called with the release of the memory the answer holds (captured output): the door calls
  // it once the answer has been sent or can no longer be. Without it, released at once.
  keepUntilSent?: (release: () => void) => void;
}
