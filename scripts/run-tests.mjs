// Runs every test file under test/ with node's test runner through tsx. Node 20 has no glob
// support in `--test`, so the files are listed here. The whole run uses the defaults (where the
// addon is built: the native launcher, and plain TCP connections served by the addon); then the
// exec and integration suites run a second time on the portable launcher and Node's own
// sockets (USCMDRELAY_SPAWN=portable, USCMDRELAY_NODE_SOCKETS=1), so both launchers and both
// socket layers pass the same tests (SPEC 5.5); launchers.test.ts files check both launchers
// themselves and run once. Given files run once, on whatever the environment says.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests('test').sort();
// --test-timeout bounds each test and each file: a file of many CLI runs (configtest-options)
// needs minutes on a loaded 2-core machine; a hung test is still caught by its own limit.
function runTests(testFiles, env = process.env) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-timeout=600000', ...testFiles],
    { stdio: 'inherit', env },
  );
  return result.status ?? 1;
}

let status = runTests(files);
const nativeBuilt = existsSync(join('build', 'Release', 'uscmdrelay.node'));
if (only.length === 0 && nativeBuilt && !process.env.USCMDRELAY_SPAWN) {
  const launcherSuites = files.filter((file) => /^test[/\\](exec|integration)[/\\]/.test(file) && !file.endsWith('launchers.test.ts'));
  process.stdout.write(`\n# again on the portable launcher and Node's sockets (USCMDRELAY_SPAWN=portable USCMDRELAY_NODE_SOCKETS=1): ${launcherSuites.length} files\n`);
  const second = runTests(launcherSuites, { ...process.env, USCMDRELAY_SPAWN: 'portable', USCMDRELAY_NODE_SOCKETS: '1' });
  if (status === 0) status = second;
}
process.exit(status);
