// Builds the native launcher addon (SPEC 5.5) during `npm ci` / `npm install`. It never fails
// the install: without a compiler (or with any other build problem) it prints one warning and
// the daemon uses the portable launcher. node-gyp is the one npm ships (npm hands its path to
// lifecycle scripts as npm_config_node_gyp), and it builds against this Node's own headers
// (--nodedir), so nothing is downloaded.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'uscmdrelay.node');

function warn(why) {
  process.stderr.write(`uscmdrelay: native launcher not built (${why}); the portable launcher will be used\n`);
}

// npm's bundled node-gyp: from the lifecycle environment, else next to the npm that runs us.
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((path) => path !== undefined && path !== '' && existsSync(path)) ?? null;
}

// The directory whose include/node holds this Node's headers (node_api.h, uv.h).
function findNodeDir() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function main() {
  if (process.env.USCMDRELAY_SKIP_NATIVE) return warn('USCMDRELAY_SKIP_NATIVE is set');
  if (process.platform !== 'linux') return warn(`not Linux (${process.platform})`);
  const nodeGyp = findNodeGyp();
  if (nodeGyp === null) return warn('node-gyp not found');
  const nodeDir = findNodeDir();
  if (nodeDir === null) return warn(`Node's headers are not installed under ${dirname(dirname(process.execPath))}/include/node`);
  rmSync(addon, { force: true });
  const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, '--release', '--loglevel=warn'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0 || !existsSync(addon)) {
    const lines = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n');
    const causes = lines.filter((line) => /not found|no such file|error:/i.test(line) && !/^gyp ERR! stack\s+at /.test(line));
    const output = (causes.length > 0 ? causes : lines).slice(-5).join('\n');
    if (output !== '') process.stderr.write(`${output}\n`);
    return warn(result.error ? result.error.message : `node-gyp exited with ${result.status ?? result.signal}; a C compiler and make are needed`);
  }
  process.stderr.write('uscmdrelay: native launcher built\n');
}

try {
  main();
} catch (error) {
  warn(error instanceof Error ? error.message : String(error));
}
process.exitCode = 0;
