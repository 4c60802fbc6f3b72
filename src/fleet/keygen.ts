// `keygen`: a new identity written where only its owner can read it.
import { writeFileSync } from 'node:fs';
import { generateIdentity } from './identity.js';

// Writes a PKCS8 PEM (mode 0600, never over an existing file unless `force`); returns the public key.
export function writeNewIdentity(file: string, force = false): string {
  const { pem, publicKey } = generateIdentity();
  writeFileSync(file, pem, { mode: 0o600, flag: force ? 'w' : 'wx' });
  return publicKey;
}
