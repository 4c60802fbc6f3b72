// Where and as whom a command runs: cwd, user, group.
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { AccountDirectory } from './accounts.js';
import { accept, reject, type OptionResult } from './option-result.js';

// Checks cwd: an absolute path to a directory that exists now.
export function parseCwd(value: string): OptionResult<string> {
  if (!isAbsolute(value)) return reject('must be an absolute path');
  try {
    if (!statSync(value).isDirectory()) return reject('not a directory');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return reject(code === 'ENOENT' ? 'no such directory' : `cannot use: ${code ?? String(error)}`);
  }
  return accept(value);
}

export interface RunAs {
  uid: number | null;
  gid: number | null;
}

// Resolves user and group (names or ids); a user alone runs with that user's primary group.
export function resolveRunAs(
  accounts: AccountDirectory,
  user: string | undefined,
  group: string | undefined,
): { runAs: RunAs; problems: { option: 'user' | 'group'; message: string }[] } {
  const problems: { option: 'user' | 'group'; message: string }[] = [];
  const runAs: RunAs = { uid: null, gid: null };
  if (group !== undefined) {
    runAs.gid = accounts.findGroup(group);
    if (runAs.gid === null) problems.push({ option: 'group', message: `no such group: ${group}` });
  }
  if (user !== undefined) {
    const found = accounts.findUser(user);
    if (found === null) {
      problems.push({ option: 'user', message: `no such user: ${user}` });
    } else {
      runAs.uid = found.uid;
      if (group === undefined) {
        runAs.gid = found.gid;
        if (found.gid === null) {
          problems.push({ option: 'user', message: `uid ${user} has no /etc/passwd entry to take a primary group from; set group too` });
        }
      }
    }
  }
  return { runAs, problems };
}
