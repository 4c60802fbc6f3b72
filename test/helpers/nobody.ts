// The unprivileged account the tests use when they run as root: commands configured with
// `user = nobody`, and the daemon or the launcher started as nobody.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const isRoot = process.getuid?.() === 0;
export const nobodyUid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
export const nobodyGid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Why this package's own code cannot run as nobody here, or false when it can: a clone under a
// directory only root may enter (`mktemp -d` makes them 0700) keeps nobody from reading dist/,
// src/ and node_modules/. The tests that start the daemon or the launcher as nobody skip then,
// with this reason; where the package is readable they run.
export const packageOutOfNobodysReach: string | false = (() => {
  if (!isRoot) return false;
  const files = ['dist/cli/main.js', 'src/index.ts', 'node_modules/tsx/package.json'].map((file) => `${PACKAGE_ROOT}${file}`);
  try {
    execFileSync('/bin/sh', ['-c', 'for file; do test -r "$file" || exit 1; done', 'sh', ...files], { uid: nobodyUid, gid: nobodyGid, stdio: 'ignore' });
    return false;
  } catch {
    return `nobody cannot read the package at ${PACKAGE_ROOT} (a directory above it is closed to others)`;
  }
})();
