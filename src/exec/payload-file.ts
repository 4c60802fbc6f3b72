// `payload = file` (SPEC 5.4): the payload goes into a new private file whose path the command
// gets as its first argument after the configured command line.
//
// A command may run as another user (`user =`), and the daemon is then root: nothing the daemon
// does as root may go through a path that user can change (issue 9: a chown by path in a
// directory the user owned let it swap the file for a symlink and take over any file). So the
// directory stays the daemon's (0700, or 0711 when another user has to reach its file: it can
// open the file by its path, not list or change the directory), the file is created with
// O_EXCL|O_NOFOLLOW and handed over by fchown on its descriptor, it is read-only (0400), and
// removal unlinks a name in that directory, which never follows a link.
import { constants } from 'node:fs';
import { mkdtemp, open, rm, rmdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PayloadFile {
  path: string;
  remove: () => Promise<void>; // idempotent
}

const FILE_MODE = 0o400;
// mkdtemp makes the directory 0700; when the command runs as another user it gets 0711:
// traverse only.
const DIR_MODE_HANDED_OVER = 0o711;

// Writes the payload fully into a fresh directory of the daemon's as a read-only file owned by
// the user (and group) the command runs as, so that it can read it and nothing more.
export async function writePayloadFile(payload: Buffer, uid: number | null, gid: number | null): Promise<PayloadFile> {
  const dir = await mkdtemp(join(tmpdir(), 'uscmdrelay-'));
  const path = join(dir, 'payload');
  const otherUser = uid !== null || gid !== null;
  let removed: Promise<void> | null = null;
  const remove = () => (removed ??= removePayloadDir(dir, path, otherUser));
  try {
    // mkdtemp made it 0700 and it is ours; chmod through a descriptor all the same.
    if (otherUser) {
      const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      try {
        await handle.chmod(DIR_MODE_HANDED_OVER);
      } finally {
        await handle.close();
      }
    }
    const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
    try {
      await file.writeFile(payload);
      await file.chmod(FILE_MODE); // whatever the umask did
      if (otherUser) await file.chown(uid ?? -1, gid ?? -1);
    } finally {
      await file.close();
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}

// Removes the file by name and then the directory. When the command ran as the daemon's own
// user it may have left files of its own there; those go too (no privilege is crossed). A
// command run as another user cannot write in the directory, so nothing else can be there.
async function removePayloadDir(dir: string, path: string, otherUser: boolean): Promise<void> {
  await unlink(path).catch(() => {});
  try {
    await rmdir(dir);
  } catch (error) {
    if (!otherUser && isErrno(error, 'ENOTEMPTY')) await rm(dir, { recursive: true, force: true });
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
