// `payload = file` (SPEC 5.4): the payload goes into a new private file whose path the command
// gets as its first argument after the configured command line.
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PayloadFile {
  path: string;
  remove(): Promise<void>; // idempotent
}

// Writes the payload fully into a fresh 0700 directory as a 0600 file, owned by the user the
// command runs as (else a command switched to another user could not read it).
export async function writePayloadFile(payload: Buffer, uid: number | null, gid: number | null): Promise<PayloadFile> {
  const dir = await mkdtemp(join(tmpdir(), 'uscmdrelay-'));
  let removed: Promise<void> | null = null;
  const remove = () => (removed ??= rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'payload');
  try {
    await writeFile(path, payload, { mode: 0o600, flag: 'wx' });
    if (uid !== null || gid !== null) {
      await chown(dir, uid ?? -1, gid ?? -1);
      await chown(path, uid ?? -1, gid ?? -1);
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}
