// Files of known agents (`send --agents`, `wait --trust`): one `NAME PUBLIC_KEY` a line;
// blank lines and `#` comments are skipped.
import { readFileSync } from 'node:fs';
import { parsePublicKey } from './identity.js';
import { agentNameProblem } from './target.js';

// name -> public key. Throws with the line number on anything it cannot read.
export function readTrustFile(file: string): Map<string, string> {
  const trusted = new Map<string, string>();
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [name, key, ...rest] = line.split(/\s+/);
    const where = `${file}:${index + 1}`;
    if (name === undefined || key === undefined || rest.length > 0) throw new Error(`${where}: expected "NAME PUBLIC_KEY"`);
    const problem = agentNameProblem(name);
    if (problem !== null) throw new Error(`${where}: ${problem}`);
    if (parsePublicKey(key) === null) throw new Error(`${where}: not an ed25519 public key (43 characters of base64url)`);
    if (trusted.has(name)) throw new Error(`${where}: ${name} listed twice`);
    trusted.set(name, key);
  }
  return trusted;
}
