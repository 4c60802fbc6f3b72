// Running as another user: works as root, is a clean start failure otherwise.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { accountFromPasswd } from '../../src/exec/account-env.js';
import { prepareRun } from '../../src/exec/index.js';
import type { RunResult } from '../../src/exec/index.js';
import { makeCommand, makeInput, makePlan, runCommand, shellCommand } from './helpers.js';
import { isRoot, nobodyGid, nobodyUid, packageOutOfNobodysReach } from '../helpers/nobody.js';


test('as root: the command runs as the configured user and group, without root’s groups', { skip: !isRoot }, async () => {
  const r = await runCommand(makePlan(['/bin/sh', '-c', 'id -u; id -g; id -G'], { uid: nobodyUid, gid: nobodyGid }));
  assert.equal(r.outcome, 'exited');
  assert.equal(r.stdout, `${nobodyUid}\n${nobodyGid}\n${nobodyGid}\n`);
});

test('as root: a payload file is readable (only) by the command’s user and by no one else', { skip: !isRoot }, async () => {
  const command = shellCommand('id -u; stat -c "%u %a" "$1"; cat "$1"', { uid: nobodyUid, gid: nobodyGid, payload: 'file' });
  const prepared = await prepareRun(command, makeInput({ payload: Buffer.from('for nobody') }));
  try {
    const r = await runCommand(prepared.plan);
    assert.equal(r.stdout, `${nobodyUid}\n${nobodyUid} 400\nfor nobody`);
  } finally {
    await prepared.cleanup();
  }
  assert.equal(existsSync(prepared.plan.argv[4] ?? ''), false);
});

test('as root: a program the user may not execute is start_failed', { skip: !isRoot }, async () => {
  const prepared = await prepareRun(
    makeCommand({ line: '/root/x', argv: ['/root/nonexistent-or-private'], uid: nobodyUid, gid: nobodyGid }),
    makeInput(),
  );
  const r = await runCommand(prepared.plan);
  assert.equal(r.outcome, 'start_failed');
  assert.notEqual(r.startError, null);
});

// Runs a plan in a child process as `nobody` (setpriv), returning its result.
function runAsNobody(plan: object): RunResult {
  const script = fileURLToPath(new URL('./fixtures/run-plan.ts', import.meta.url));
  const out = execFileSync(
    'setpriv',
    [`--reuid=${nobodyUid}`, `--regid=${nobodyGid}`, '--clear-groups', process.execPath, '--import', 'tsx', script, JSON.stringify(plan)],
    { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' } },
  );
  return JSON.parse(out) as RunResult;
}

const canSetpriv = (() => {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return isRoot;
  } catch {
    return false;
  }
})();
// Why runAsNobody cannot be used here, or false.
const asNobodySkipped = canSetpriv ? packageOutOfNobodysReach : 'needs root and setpriv';

test('not root: asking for another user is start_failed (EPERM)', { skip: asNobodySkipped }, () => {
  const r = runAsNobody(makePlan(['/usr/bin/id', '-u'], { uid: 0, gid: 0 }));
  assert.equal(r.outcome, 'start_failed');
  assert.equal(r.startError, 'not permitted to run /usr/bin/id as the configured user or group (the daemon must run as root)');
});

test('not root: a plain run still works in the child (the EPERM test is not vacuous)', { skip: asNobodySkipped }, () => {
  const r = runAsNobody(makePlan(['/usr/bin/id', '-u']));
  assert.equal(r.outcome, 'exited');
  assert.equal(r.stdout, `${nobodyUid}\n`);
});

test('not root (this process): asking for another user is start_failed', { skip: isRoot && 'runs as root' }, async () => {
  const r = await runCommand(makePlan(['/usr/bin/id', '-u'], { uid: 0, gid: 0 }));
  assert.equal(r.outcome, 'start_failed');
  assert.equal(r.startError, 'not permitted to run /usr/bin/id as the configured user or group (the daemon must run as root)');
});

// SPEC 5.1: HOME, USER, LOGNAME, SHELL come from the passwd entry of the user the command runs as.
test('the account variables are those of the command’s user (passwd entry), not the daemon’s', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\ndeploy:x:1001:1001:Deploy:/srv/deploy:/usr/sbin/nologin\nbare:x:1002:1002::/home/bare:\n';
  assert.deepEqual(accountFromPasswd(1001, passwd), { HOME: '/srv/deploy', USER: 'deploy', LOGNAME: 'deploy', SHELL: '/usr/sbin/nologin' });
  assert.deepEqual(accountFromPasswd(1002, passwd), { HOME: '/home/bare', USER: 'bare', LOGNAME: 'bare', SHELL: '/bin/sh' });
  assert.equal(accountFromPasswd(4242, passwd), null);
});

test('as root: a command with `user = nobody` gets nobody’s HOME, USER, LOGNAME and SHELL', { skip: !isRoot }, async () => {
  const entry = execFileSync('getent', ['passwd', 'nobody'], { encoding: 'utf8' }).trim().split(':');
  const command = shellCommand('printf "%s|%s|%s|%s" "$HOME" "$USER" "$LOGNAME" "$SHELL"', { uid: nobodyUid, gid: nobodyGid });
  const prepared = await prepareRun(command, makeInput());
  const r = await runCommand(prepared.plan);
  assert.equal(r.stdout, `${entry[5]}|nobody|nobody|${entry[6]}`);
});
