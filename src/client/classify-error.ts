// Turns a socket or TLS error into a ClientError that says what went wrong in a user's words.
import { ClientError } from './errors.js';

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
