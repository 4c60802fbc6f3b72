// Every guarantee of SPEC 5.1 checked from inside the child, on each launcher (SPEC 5.5): the
// native one (when the addon is built), with posix_spawn on the event loop (one command at a
// time, as here) and on a worker thread, and the portable one, whatever USCMDRELAY_SPAWN says.
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nativeLauncher, portableLauncher } from '../../src/exec/launch/index.js';
import { createNativeLauncher } from '../../src/exec/launch/native.js';
import { loadNativeAddon } from '../../src/native/addon.js';
import type { Launcher } from '../../src/exec/index.js';
import { isRunning, liveMembers, makePlan, runCommand, tempDir } from './helpers.js';

// Descriptors above 2 that this test process got from its parent without close-on-exec: Node's
// child_process (libuv) passes such descriptors on to every child it starts, so the portable
// launcher's children see them too; the native launcher closes everything from fd 3.
const O_CLOEXEC = 0o2000000;
const inheritedOpen = readdirSync('/proc/self/fd')
  .filter((fd) => Number(fd) > 2)
  .filter((fd) => {
    try {
      const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
      return flags !== null && (parseInt(flags[1] ?? '0', 8) & O_CLOEXEC) === 0;
    } catch {
      return false;
    }
  });

const native = nativeLauncher();
const addon = loadNativeAddon();
const launchers: [name: string, title: string, Launcher | null][] = [
  ['native', 'native launcher', native],
  ['native-worker', 'native launcher, posix_spawn on a worker thread', addon && createNativeLauncher(addon, 'worker')],
  ['portable', 'portable launcher', portableLauncher],
];
const dir = tempDir();

for (const [name, title, launcher] of launchers) {
  describe(title, { skip: launcher === null && 'native addon not built', timeout: 60_000 }, () => {
    const run = (argv: string[], overrides: Parameters<typeof makePlan>[1] = {}) => runCommand(makePlan(argv, overrides), launcher ?? portableLauncher);

    it('the child has only fds 0–2 open', async () => {
      // The shell lists its own descriptors while it waits for ls.
      const r = await run(['/bin/sh', '-c', '/bin/ls /proc/$$/fd']);
      const expected = ['0', '1', '2', ...(name === 'portable' ? inheritedOpen : [])];
      assert.deepEqual(r.stdout.trim().split('\n').sort(), expected.sort());
    });

    it('no signal is ignored or blocked in the child', async () => {
      const r = await run(['/bin/grep', '-E', '^Sig(Ign|Blk):', '/proc/self/status']);
      assert.equal(r.stdout, 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
    });

    it('the child may run on every CPU the daemon may, as soon as it starts', async () => {
      // A launcher that placed the child by narrowing the spawning thread's CPU mask could give
      // the mask back only after the exec; a child that reads it at once would then see one CPU
      // now and then (README, Benchmarks: "On the EPYC VM"). So many short runs, each reading it.
      const ours = /^Cpus_allowed_list:.*$/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[0];
      for (let i = 0; i < 50; i++) {
        const r = await run(['/bin/grep', '^Cpus_allowed_list:', '/proc/self/status']);
        assert.equal(r.stdout, `${ours}\n`, `run ${i + 1}`);
      }
    });

    it('the child leads its own session and process group', async () => {
      const r = await run(['/bin/cat', '/proc/self/stat']);
      const fields = r.stdout.slice(r.stdout.lastIndexOf(')') + 2).split(' ');
      const pid = Number(r.stdout.split(' ')[0]);
      assert.deepEqual([Number(fields[2]), Number(fields[3])], [pid, pid]);
      assert.notEqual(pid, process.pid);
    });

    it('the environment is exactly the plan', async () => {
      const env = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', WITH_SPACE: 'a b', EMPTY: '', 'ÜNI': 'é=1' };
      const r = await run(['/usr/bin/env', '-0'], { env });
      const seen = r.stdout.split('\0').filter((entry) => entry !== '');
      assert.deepEqual(seen.sort(), Object.entries(env).map(([key, value]) => `${key}=${value}`).sort());
    });

    it('the working directory is the plan', async () => {
      const r = await run(['/bin/pwd', '-P'], { cwd: dir });
      assert.equal(r.stdout, `${realpathSync(dir)}\n`);
    });

    it('a program name without a slash is looked up in the plan’s PATH', async () => {
      const r = await run(['echo', 'found'], { env: { PATH: '/nonexistent:/bin' } });
      assert.deepEqual([r.outcome, r.stdout], ['exited', 'found\n']);
    });

    it('yes | head ends (SIGPIPE is at its default)', async () => {
      const r = await run(['/bin/sh', '-c', 'yes | head -n 3'], { timeoutMs: 30_000 });
      assert.deepEqual([r.outcome, r.exitCode, r.stdout], ['exited', 0, 'y\ny\ny\n']);
    });

    it('arguments arrive verbatim', async () => {
      const args = ['a b', '$HOME', '*', '', '"q"', "it's", 'é\u{1F600}', '--', '-n', 'x\ny'];
      const r = await run(['/usr/bin/printf', '%s\\0', ...args]);
      assert.deepEqual(r.stdout.split('\0').slice(0, -1), args);
    });

    it('a payload reaches stdin and stdin is /dev/null otherwise', async () => {
      const payload = Buffer.alloc(300_000, 'p');
      const fed = await run(['/usr/bin/wc', '-c'], { stdin: payload });
      assert.equal(fed.stdout.trim(), String(payload.length));
      const none = await run(['/usr/bin/readlink', '/proc/self/fd/0']);
      assert.equal(none.stdout, '/dev/null\n');
    });

    it('a timeout kills the whole tree', async () => {
      const r = await run(['/bin/sh', '-c', 'echo $$; sleep 100 & echo $!; sh -c "sleep 100" & echo $!; wait'], { timeoutMs: 300 });
      assert.equal(r.outcome, 'timeout');
      const [pgid, ...children] = r.stdout.trim().split('\n').map(Number);
      assert.equal(children.length, 2);
      assert.deepEqual(liveMembers(pgid ?? 0), []);
      for (const pid of children) assert.equal(isRunning(pid), false);
    });

    it('reports exit codes and signals', async () => {
      const exited = await run(['/bin/sh', '-c', 'exit 42']);
      assert.deepEqual([exited.outcome, exited.exitCode, exited.signal], ['exited', 42, null]);
      const killed = await run(['/bin/sh', '-c', 'kill -SEGV $$']);
      assert.deepEqual([killed.outcome, killed.exitCode, killed.signal], ['signaled', null, 'SIGSEGV']);
    });

    it('a missing program is start_failed with the 3004 wording', async () => {
      const r = await run(['/nonexistent/program']);
      assert.deepEqual([r.outcome, r.startError], ['start_failed', 'command not found: /nonexistent/program']);
      const bare = await run(['no-such-program-here']);
      assert.deepEqual([bare.outcome, bare.startError], ['start_failed', 'command not found: no-such-program-here']);
    });

    it('a program that is not executable is start_failed with the 3004 wording', async () => {
      const path = join(dir, `not-executable-${name}`);
      writeFileSync(path, '#!/bin/sh\necho ran\n');
      chmodSync(path, 0o644);
      const r = await run([path]);
      assert.deepEqual([r.outcome, r.startError], ['start_failed', `permission denied: ${path} is not executable (or a directory on its path is not searchable)`]);
    });

    it('a missing working directory is start_failed with the 3004 wording', async () => {
      const r = await run(['/bin/true'], { cwd: join(dir, 'gone') });
      assert.deepEqual([r.outcome, r.startError], ['start_failed', `working directory does not exist: ${join(dir, 'gone')}`]);
    });
  });
}

// glibc's execvp runs a file without a #! line through /bin/sh; posix_spawn does not, and the
// native launcher says so instead of guessing (SPEC 5.5).
describe('native launcher: a file that is no executable format', { skip: native === null && 'native addon not built' }, () => {
  it('is start_failed: not an executable format', async () => {
    const path = join(dir, 'no-shebang');
    writeFileSync(path, 'echo ran\n');
    chmodSync(path, 0o755);
    const r = await runCommand(makePlan([path]), native ?? portableLauncher);
    assert.deepEqual([r.outcome, r.startError], ['start_failed', `not an executable format: ${path}`]);
  });
});
