// Replaces auth.conf in one step: readers see the old file or the new one, never half of either.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, fchownSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

// Writes a 0600 temporary file beside `file`, then renames it over. Run as root on a file owned
// by the daemon's user, the owner is kept (the daemon refuses an auth.conf it does not own).
export function writePrivateFile(file: string, text: string, previous: Stats | null): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    if (previous !== null && process.getuid?.() === 0 && (previous.uid !== 0 || previous.gid !== 0)) {
      fchownSync(fd, previous.uid, previous.gid);
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, file);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    unlinkSync(temp);
    throw error;
  }
}
