// A new client key: 256 random bits, in a form that survives shells, INI files and URLs.
import { randomBytes } from 'node:crypto';

// 43 characters of unpadded base64url.
export function generateKey(): string {
  return randomBytes(32).toString('base64url');
}
