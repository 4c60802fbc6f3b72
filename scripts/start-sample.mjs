// `npm start`: runs the daemon with the bundled sample configuration, on 127.0.0.1:7777 by
// default, with no root and nothing under /etc. Git does not keep file modes, and auth.conf
// must be 0600 (SPEC 3.3), so the samples are copied into .sample/ with the right mode first.
import { spawn } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync } from 'node:fs';

mkdirSync('.sample', { recursive: true, mode: 0o700 });
copyFileSync('auth.sample.conf', '.sample/auth.conf');
copyFileSync('relays.sample.conf', '.sample/relays.conf');
chmodSync('.sample/auth.conf', 0o600);

// Jobs (detached runs) keep their records and output in .sample/state, not in the user's state dir.
const child = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--config-dir', '.sample', '--state-dir', '.sample/state', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
