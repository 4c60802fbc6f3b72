// SPEC 2.4 code 3004 tells the client a command could not be started; the message says why in
// words an operator can act on, instead of `spawn /x ENOENT`.
import { stat } from 'node:fs/promises';

// Explains a failed start from the errno code, looking at the working directory because
// spawn reports a missing cwd and a missing program with the same ENOENT.
export async function describeStartError(code: string | undefined, program: string, cwd: string): Promise<string> {
  const cwdProblem = await checkDirectory(cwd);
  if (cwdProblem !== null && (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES')) return cwdProblem;
  switch (code) {
    case 'ENOENT':
      return `command not found: ${program}`;
    case 'EACCES':
      return `permission denied: ${program} is not executable (or a directory on its path is not searchable)`;
    case 'ENOTDIR':
      return `command not found: a component of ${program} is not a directory`;
    case 'EPERM':
      return `not permitted to run ${program} as the configured user or group (the daemon must run as root)`;
    case 'ENOEXEC':
      return `not an executable format: ${program}`;
    case 'E2BIG':
      return `argument list too long for ${program}`;
    case 'EAGAIN':
    case 'EMFILE':
    case 'ENFILE':
    case 'ENOMEM':
      return `out of system resources starting ${program} (${code})`;
    default:
      return `could not start ${program}${code === undefined ? '' : ` (${code})`}`;
  }
}

// Null when the path is a directory, else what is wrong with it.
async function checkDirectory(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? null : `working directory is not a directory: ${path}`;
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    return code === 'ENOENT' ? `working directory does not exist: ${path}` : `working directory not usable: ${path} (${code})`;
  }
}
