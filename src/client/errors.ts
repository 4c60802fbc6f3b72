// A failure to get an answer at all, as opposed to an answer that says "error" (a RelayResponse).

// connect: nothing listens / unreachable; tls: handshake or certificate refused; closed: the
// connection ended before the final line; protocol: a line that is not the wire protocol;
// timeout: connect or response deadline passed; aborted: the caller's AbortSignal fired.
export type ClientErrorKind = 'connect' | 'tls' | 'closed' | 'protocol' | 'timeout' | 'aborted';

export class ClientError extends Error {
  readonly kind: ClientErrorKind;

  constructor(kind: ClientErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientError';
    this.kind = kind;
  }
}
