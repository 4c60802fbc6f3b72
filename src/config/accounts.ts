// user and group options: names or numeric ids, looked up in /etc/passwd and /etc/group
// (Node has no getpwnam; these two files are what the C library reads on the hosts we target).
import { readFileSync } from 'node:fs';

export interface AccountFiles {
  passwd: string;
  group: string;
}

const SYSTEM_ACCOUNT_FILES: AccountFiles = { passwd: '/etc/passwd', group: '/etc/group' };
const NUMERIC_ID = /^\d+$/u;
const MAX_ID = 4294967294; // (uid_t)-1 means "no change" to setuid, so it is not an id

// A numeric id as a number, or null when the text is not one.
function numericId(text: string): number | null {
  if (!NUMERIC_ID.test(text)) return null;
  const id = Number(text);
  return id <= MAX_ID ? id : null;
}

// Reads a colon-separated account file into name -> fields; a missing file is an empty one.
function readAccountFile(path: string): Map<string, string[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return new Map();
  }
  const entries = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    const name = fields[0];
    if (name !== undefined && !entries.has(name)) entries.set(name, fields);
  }
  return entries;
}

// Looks up users and groups by name or id, reading the account files once per load.
export class AccountDirectory {
  private readonly users: Map<string, string[]>;
  private readonly groups: Map<string, string[]>;

  constructor(files: AccountFiles = SYSTEM_ACCOUNT_FILES) {
    this.users = readAccountFile(files.passwd);
    this.groups = readAccountFile(files.group);
  }

  // The uid and primary gid of a user given by name or uid; a uid without an entry has gid null.
  findUser(nameOrId: string): { uid: number; gid: number | null } | null {
    const byName = this.users.get(nameOrId);
    const fields = byName ?? (NUMERIC_ID.test(nameOrId) ? [...this.users.values()].find((f) => f[2] === nameOrId) : undefined);
    if (fields !== undefined) {
      const uid = numericId(fields[2] ?? '');
      const gid = numericId(fields[3] ?? '');
      if (uid !== null && gid !== null) return { uid, gid };
    }
    // A numeric id is a real id even where no passwd entry names it (common in containers).
    const uid = numericId(nameOrId);
    return uid === null ? null : { uid, gid: null };
  }

  // The gid of a group given by name or gid, or null when no such group name exists.
  findGroup(nameOrId: string): number | null {
    const fields = this.groups.get(nameOrId);
    const gid = fields === undefined ? null : numericId(fields[2] ?? '');
    if (gid !== null) return gid;
    return numericId(nameOrId);
  }
}
