// How the client fails when no answer came at all, as opposed to an answer that says "error" (a
// RelayResponse): ClientError, and the socket and TLS errors turned into one in a user's words.

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

const CONNECT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the relay running on that port?)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
};

// OpenSSL's certificate verification codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, …)
// and Node's ERR_SSL_* / ERR_TLS_* all mean the TLS layer refused.
function isTlsError(code: string): boolean {
  return /^ERR_(SSL|TLS)_/u.test(code) || /CERT|SIGNATURE|ISSUER|SELF_SIGNED|UNABLE_TO_/u.test(code);
}

// Where the exchange was when the error came: before TCP was up, during the TLS handshake, or after.
export type Phase = 'connect' | 'handshake' | 'answer';

// OpenSSL's messages carry a file and line; its `reason` alone is what a user can act on.
function tlsDetail(err: NodeJS.ErrnoException & { reason?: unknown }): string {
  const reason = typeof err.reason === 'string' ? err.reason : err.message;
  if (err.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || err.code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return `${reason} (the relay does not seem to speak TLS: drop --tls)`;
  }
  return err.code && !reason.includes(err.code) ? `${reason} (${err.code})` : reason;
}

// A ClientError that says what went wrong, from an error of the connection in the given phase.
export function classifyError(error: unknown, target: string, phase: Phase): ClientError {
  if (error instanceof ClientError) return error;
  const err = (error ?? {}) as NodeJS.ErrnoException;
  const code = typeof err.code === 'string' ? err.code : '';
  const detail = err.message ?? String(error);
  if (isTlsError(code) || phase === 'handshake') {
    return new ClientError('tls', `TLS with ${target} failed: ${tlsDetail(err)}`, { cause: error });
  }
  if (phase === 'connect') {
    const reason = CONNECT_CODES[code] ?? detail;
    return new ClientError('connect', `cannot connect to ${target}: ${reason}`, { cause: error });
  }
  return new ClientError('closed', `connection to ${target} lost before the answer: ${detail}`, { cause: error });
}
