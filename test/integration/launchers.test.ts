// The daemon on each launcher (SPEC 5.5): `--spawn` and the `launcher` of the listening line,
// and nothing left behind — no zombie, no descriptor — after 2,000 requests from 8 clients.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { nativeLauncher } from '../../src/exec/launch/index.js';
import { ask, CLI, startDaemon, tempDir, writeConfig } from '../helpers/daemon.js';
import { zombieChildren } from '../helpers/processes.js';
import { AUTH_CONF, HASHED_KEY, ORIGINAL_KEY, RELAYS_CONF } from '../helpers/fixtures.js';

const RELAYS = `${RELAYS_CONF}\n[bench]\ntrue = /bin/true\n`;
const built = nativeLauncher() !== null;

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

// Polls a condition until it holds or the deadline passes; answers whether it held.
async function eventually(check: () => boolean, deadlineMs = 10_000): Promise<boolean> {
  const end = performance.now() + deadlineMs;
  while (!check()) {
    if (performance.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

for (const mode of ['native', 'portable'] as const) {
  describe(`serve --spawn ${mode}`, { skip: mode === 'native' && !built && 'native addon not built', timeout: 300_000 }, () => {
    it('says which launcher it uses, and 2,000 requests at 8 clients leave no zombie and no descriptor', async () => {
      const daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS, args: ['--spawn', mode, '--log-level', 'warning'] });
      try {
        const listening = await daemon.waitForLog((line) => line.msg === 'listening');
        assert.equal(listening.launcher, mode);
        const pid = daemon.proc.pid ?? 0;
        const request = { auth_key: HASHED_KEY, command: 'bench::true' };
        // Warm up what the daemon keeps for good (thread pool, signal pipe), then count.
        for (let i = 0; i < 8; i++) assert.equal((await ask(daemon, request)).code, 0);
        const before = openFds(pid);
        let next = 0;
        const codes = new Map<unknown, number>();
        const client = async (): Promise<void> => {
          while (next < 2000) {
            next++;
            const answer = await ask(daemon, request);
            codes.set(answer.code, (codes.get(answer.code) ?? 0) + 1);
          }
        };
        await Promise.all(Array.from({ length: 8 }, client));
        assert.deepEqual([...codes], [[0, 2000]]);
        assert.ok(await eventually(() => zombieChildren(pid).length === 0), `zombies: ${zombieChildren(pid).join(' ')}`);
        assert.ok(await eventually(() => openFds(pid) <= before), `descriptors: ${before} before, ${openFds(pid)} after`);
      } finally {
        assert.equal(await daemon.stop(), 0);
      }
    });
  });
}

describe('--spawn', () => {
  const dir = tempDir();
  writeConfig(dir, { auth: AUTH_CONF, relays: RELAYS_CONF });
  const serve = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--config-dir', dir, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

  it('native without the addon built: exit 2 and one line, nothing bound', () => {
    const result = serve(['--spawn', 'native'], { USCMDRELAY_NO_NATIVE_ADDON: '1' });
    assert.equal(result.status, 2);
    assert.equal(result.stderr, '--spawn native: the native launcher is not built (no C compiler at install time?); use --spawn auto or portable\n');
    assert.equal(result.stdout, '');
  });

  it('an unknown launcher: exit 2 and one line (also from USCMDRELAY_SPAWN)', () => {
    const flag = serve(['--spawn', 'fast']);
    assert.deepEqual([flag.status, flag.stderr], [2, '--spawn must be one of auto, native, portable, not fast\n']);
    const env = serve([], { USCMDRELAY_SPAWN: 'fork' });
    assert.deepEqual([env.status, env.stderr], [2, '--spawn must be one of auto, native, portable, not fork\n']);
  });

  it('auto without the addon built: the portable launcher', async () => {
    const daemon = await startDaemon({ auth: AUTH_CONF, relays: RELAYS_CONF, env: { USCMDRELAY_NO_NATIVE_ADDON: '1', USCMDRELAY_SPAWN: 'auto' } });
    try {
      assert.equal((await daemon.waitForLog((line) => line.msg === 'listening')).launcher, 'portable');
      assert.equal((await ask(daemon, { auth_key: ORIGINAL_KEY, command: 'echo', arguments: ['on', 'portable'] })).message, 'on portable');
    } finally {
      assert.equal(await daemon.stop(), 0);
    }
  });
});
