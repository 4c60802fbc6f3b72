// The addon's sdNotify (for the systemd notification protocol): one datagram to a path or to an
// abstract ('@') address. The receiving end is a perl one-liner (perl-base is on every Debian).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { loadNativeAddon } from '../../src/native/addon.js';
import { tempDir } from '../helpers/daemon.js';

const addon = loadNativeAddon();
const dir = tempDir('uscmdrelay-sdnotify-');

const RECEIVER = String.raw`use Socket; socket(S, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
my $a = $ARGV[0]; $a =~ s/^@/\0/; bind(S, pack_sockaddr_un($a)) or die "bind: $!";
$| = 1; print "ready\n"; recv(S, my $m, 4096, 0); print "$m\n";`;

// Binds a datagram socket at `address` and resolves with the first message it receives.
async function receiveOne(address: string, send: () => void): Promise<string> {
  const receiver = spawn('perl', ['-e', RECEIVER, address], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: receiver.stdout })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, 'ready');
  send();
  const message = await lines.next();
  await once(receiver, 'exit');
  return message.done === true ? '' : message.value;
}

describe('sdNotify', { skip: addon === null && 'native addon not built' }, () => {
  it('sends one datagram to a socket path', async () => {
    const path = join(dir, 'notify.sock');
    assert.equal(await receiveOne(path, () => addon?.sdNotify(path, 'READY=1\nSTATUS=serving')), 'READY=1');
  });

  it('sends to an abstract address when the path starts with @', async () => {
    const name = `@uscmdrelay-test-${process.pid}`;
    assert.equal(await receiveOne(name, () => addon?.sdNotify(name, 'WATCHDOG=1')), 'WATCHDOG=1');
  });

  it('throws with the errno code when nobody listens', () => {
    assert.throws(() => addon?.sdNotify(join(dir, 'absent.sock'), 'READY=1'), { code: 'ENOENT' });
    assert.throws(() => addon?.sdNotify(`@uscmdrelay-absent-${process.pid}`, 'READY=1'), { code: 'ECONNREFUSED' });
  });
});
