// `npm start`: runs the daemon with the bundled sample configuration, on 127.0.0.1:7777 by
// default, with no root and nothing under /etc. Git does not keep file modes, and auth.conf
// must be 0600 (SPEC 3.3), so the samples are copied into a directory with the right mode first:
// `.sample/` in the checkout, or `--sample-dir DIR` (given first; tests use a temp dir, so they
// never touch a running `npm start`'s files). Every other argument goes to `uscmdrelay serve`.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
let args = process.argv.slice(2);
let dir = join(root, '.sample');
if (args[0] === '--sample-dir' && args[1] !== undefined) {
  dir = args[1];
  args = args.slice(2);
}

mkdirSync(dir, { recursive: true, mode: 0o700 });
copyFileSync(join(root, 'auth.sample.conf'), join(dir, 'auth.conf'));
copyFileSync(join(root, 'relays.sample.conf'), join(dir, 'relays.conf'));
chmodSync(join(dir, 'auth.conf'), 0o600);

// Jobs (detached runs) keep their records and output in DIR/state, not in the user's state dir.
const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'serve', '--config-dir', dir, '--state-dir', join(dir, 'state'), ...args], {
  stdio: 'inherit',
});
// Ctrl-C in a terminal already reaches the daemon (same process group): forwarding SIGINT too
// would be a second signal, which ends the shutdown grace at once (SPEC 6). So SIGINT is only
// waited out here; SIGTERM and SIGHUP sent to this script are passed on.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
