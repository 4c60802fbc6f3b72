// The floor of a Node daemon on the native launcher: Node's TCP server, and per connection the
// command run through the launcher (bench/raw.ts), answered with a fixed line. No relay: no
// framing, JSON, authentication, policy, run bookkeeping, timers or audit line. What the daemon
// costs beyond this row is its own work. Run by bench/run.ts as its own process: `node --import
// tsx bench/floor-server.ts ARGV...`; prints its port, then serves until killed.
import { createServer } from 'node:net';
import { nativeLauncher } from '../src/exec/launch/index.js';
import { nativeSpawnOnce } from './raw.js';

const ANSWER = '{"status":"ok","message":"","code":0}\n';
const launcher = nativeLauncher();
if (launcher === null) throw new Error('the native addon is not built');
const argv = process.argv.slice(2);

const server = createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => {});
  socket.once('data', () => {
    nativeSpawnOnce(launcher, argv).then(
      () => socket.end(ANSWER),
      () => socket.destroy(),
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
