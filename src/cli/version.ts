// Reads the version from package.json, wherever the code runs from (src/ or dist/).
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as { version: string };
  return parsed.version;
}
