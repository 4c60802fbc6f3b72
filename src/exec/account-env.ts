// HOME, USER, LOGNAME and SHELL of the user a command runs as (SPEC 5.1), from its passwd entry,
// as sudo and systemd set them: git, ssh and most deploy scripts need HOME.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

export interface AccountVariables {
  HOME: string;
  USER: string;
  LOGNAME: string;
  SHELL: string;
}

// Looked up once per uid: passwd entries of service accounts do not change under a running daemon.
const cache = new Map<number | null, AccountVariables | null>();

function ofEntry(name: string, home: string, shell: string): AccountVariables {
  return { HOME: home, USER: name, LOGNAME: name, SHELL: shell === '' ? '/bin/sh' : shell };
}

// The daemon's own user, through the C library (getpwuid_r: NSS, LDAP, …).
function ownAccount(): AccountVariables | null {
  try {
    const info = userInfo();
    return ofEntry(info.username, info.homedir, info.shell ?? '');
  } catch {
    return null; // a uid with no passwd entry (containers run as arbitrary uids)
  }
}

// Another user (a command's `user` option): its line of the passwd file.
export function accountFromPasswd(uid: number, passwdText: string): AccountVariables | null {
  for (const line of passwdText.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 7 || fields[2] !== String(uid)) continue;
    return ofEntry(fields[0] ?? '', fields[5] ?? '', fields[6] ?? '');
  }
  return null;
}

function lookUp(uid: number | null): AccountVariables | null {
  if (uid === null || uid === process.getuid?.()) return ownAccount();
  try {
    return accountFromPasswd(uid, readFileSync('/etc/passwd', 'utf8'));
  } catch {
    return null;
  }
}

// The variables for a command run as `uid` (null: the daemon's user); null when it has no entry.
export function accountVariables(uid: number | null): AccountVariables | null {
  if (!cache.has(uid)) cache.set(uid, lookUp(uid));
  return cache.get(uid) ?? null;
}
