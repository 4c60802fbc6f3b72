// auth.conf holds keys (or their hashes): the original refused one that others could read.
import type { Stats } from 'node:fs';
import type { ConfigProblem } from './types.js';

// The problem with a key file's owner or mode, or null when only the daemon's user can touch it.
export function privateFileProblem(stats: Pick<Stats, 'uid' | 'mode'>, file: string): ConfigProblem | null {
  const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  if (uid !== null && stats.uid !== uid) {
    return { file, message: `must be owned by the daemon's user (uid ${uid}), not uid ${stats.uid} (mode ${mode})` };
  }
  if ((stats.mode & 0o077) !== 0) {
    return { file, message: `must not be accessible by group or others (mode ${mode}); run chmod 600 ${file}` };
  }
  return null;
}
