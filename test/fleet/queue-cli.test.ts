// The durable queue end to end through the real CLI and the real core road: `agents`,
// `send --queue`, `results` (formats, exit statuses, --wait), usage errors, and at most once
// across an agent killed mid-run (SIGKILL): the command's marker file holds one line, the
// request is reported started-but-unanswered and is never run again after the restart.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from './helpers/fakes.js';
import { runCli, startCliAgent, type RunningAgent } from './helpers/cli.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { tempDir } from '../helpers/daemon.js';

const dir = tempDir('queue-cli-');
const path = (name: string) => join(dir, name);
const marker = path('marker');

async function keygen(name: string): Promise<string> {
  const result = await runCli(['keygen', '--out', path(name)]);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

const requestIdOf = (stdout: string): string => /^request_id ([0-9a-f]{24})$/m.exec(stdout)?.[1] ?? '';

describe('queue CLI end to end', () => {
  let server: NatsServer;
  let agent: RunningAgent | null = null;
  let agentKey = '';
  const leftovers: number[] = [];

  const cli = (command: string, args: string[]) => runCli([command, '--nats', server.url, ...args]);
  const sendQueued = (args: string[]) => cli('send', ['--queue', '--identity', path('sender.pem'), ...args]);
  const startAgent = async () =>
    (agent = await startCliAgent(
      ['--nats', server.url, '--name', 'web1.prod', '--config-dir', path('conf'), '--identity', path('web1.pem'), '--queue', '--state-dir', path('state')],
      'queue ready',
    ));

  before(async () => {
    server = await startNatsServer({ storeDir: path('store') });
    const sender = await keygen('sender.pem');
    agentKey = await keygen('web1.pem');
    mkdirSync(path('conf'), { mode: 0o700 });
    writeFileSync(path('conf/auth.conf'), `[deployer]\npublic_key = ${sender}\nauth_clusters = test\n`, { mode: 0o600 });
    writeFileSync(
      path('conf/relays.conf'),
      ['[test]', 'hello = /bin/echo hello', 'fail = /bin/sh -c "echo broken; exit 3"', `mark = /bin/sh -c "echo $$ >> ${marker}; exec sleep 300"`, ''].join('\n'),
    );
  });
  after(async () => {
    if (agent) await agent.stop();
    for (const pid of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await server.stop();
  });

  it('agents lists nothing before any agent registered', async () => {
    const result = await cli('agents', []);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'NAME  PUBLIC_KEY  REGISTERED\n');
  });

  it('agent --queue registers its name and public key', async () => {
    await startAgent();
    const keys = await cli('agents', ['--format', 'keys']);
    assert.equal(keys.stdout, `web1.prod ${agentKey}\n`);
    const json = await cli('agents', ['--format', 'json', '--to', '*.prod']);
    const entry = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.equal(entry.name, 'web1.prod');
    assert.equal(entry.public_key, agentKey);
    assert.match(String(entry.registered_at), /^\d{4}-\d\d-\d\dT/);
    assert.equal((await cli('agents', ['--to', '*.test'])).stdout, 'NAME  PUBLIC_KEY  REGISTERED\n');
  });

  it('send --queue prints the id and the agents; results prints the answer in each format', async () => {
    const sent = await sendQueued(['--to', '*.prod', 'test::hello', 'world']);
    assert.equal(sent.status, 0, sent.stderr);
    const id = requestIdOf(sent.stdout);
    assert.match(sent.stdout, /^request_id [0-9a-f]{24}\nexpires \d{4}-\d\d-\d\dT[\d:.]+Z\nqueued web1\.prod\n$/);
    const table = await cli('results', [id, '--wait', '30']);
    assert.equal(table.status, 0, table.stderr);
    assert.equal(table.stdout, 'AGENT      CODE  EXIT  OUTPUT\nweb1.prod  0     0     hello world\n');
    const json = await cli('results', [id, '--format', 'json']);
    const row = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.deepEqual([row.agent, row.code, row.exit_code, row.message, row.verified], ['web1.prod', 0, 0, 'hello world', true]);
    assert.equal((await cli('results', [id, '--format', 'csv'])).stdout, 'web1.prod,0,hello world\n');
  });

  it('send --queue --format json; results exits 1 when an answer has a code other than 0', async () => {
    const sent = await sendQueued(['--to', 'web1.prod', '--format', 'json', '--expire', '2h', 'test::fail']);
    assert.equal(sent.status, 0, sent.stderr);
    const body = JSON.parse(sent.stdout) as { request_id: string; queued: string[]; failed: string[]; expires: string };
    assert.deepEqual(body.queued, ['web1.prod']);
    assert.deepEqual(body.failed, []);
    const result = await cli('results', [body.request_id, '--wait', '30']);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^web1\.prod\s+3001\s+3\s+/m);
  });

  it('usage errors and a pattern no agent matches', async () => {
    const none = await sendQueued(['--to', '*.staging', 'test::hello']);
    assert.equal(none.status, 3);
    assert.equal(none.stderr, 'uscmdrelay: no registered agent matches *.staging (see uscmdrelay agents)\n');
    assert.equal((await sendQueued(['--to', 'web1.prod', '--expect', '1', 'test::hello'])).status, 2);
    const badExpire = await sendQueued(['--to', 'web1.prod', '--expire', 'soon', 'test::hello']);
    assert.equal(badExpire.status, 2);
    assert.equal(badExpire.stderr, 'uscmdrelay: --expire: not a duration: soon\n');
    const unknown = await cli('results', ['0123456789abcdef01234567']);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr, 'uscmdrelay: no queued request 0123456789abcdef01234567 (never queued, or older than the result retention)\n');
    assert.equal((await cli('results', ['not-an-id'])).status, 2);
    const noIdentity = await runCli(['agent', '--nats', server.url, '--name', 'x.prod', '--config-dir', path('conf'), '--queue']);
    assert.equal(noIdentity.status, 2);
    assert.match(noIdentity.stderr, /--queue needs --identity/);
    // A state dir that cannot hold the replay memory: a start-up failure once the broker is in.
    writeFileSync(path('not-a-dir'), '');
    const args = ['--name', 'y.prod', '--config-dir', path('conf'), '--identity', path('web1.pem'), '--queue', '--state-dir', path('not-a-dir')];
    const badStateDir = await runCli(['agent', '--nats', server.url, ...args]);
    assert.equal(badStateDir.status, 2);
    assert.match(badStateDir.stderr, new RegExp(`^uscmdrelay: --state-dir ${path('not-a-dir')}: ENOTDIR: .*\n$`));
  });

  it('at most once: an agent killed mid-run never runs that request again', async () => {
    const sent = await sendQueued(['--to', 'web1.prod', 'test::mark']);
    assert.equal(sent.status, 0, sent.stderr);
    const id = requestIdOf(sent.stdout);
    await eventually(() => existsSync(marker) && readFileSync(marker, 'utf8').endsWith('\n'), 30_000, 'the marker');
    leftovers.push(Number(readFileSync(marker, 'utf8').trim()));
    const running = agent;
    assert.ok(running);
    const exited = once(running.child, 'exit');
    running.child.kill('SIGKILL');
    await exited;
    agent = null;

    const lost = await cli('results', [id]);
    assert.equal(lost.status, 3);
    assert.match(lost.stdout, /^web1\.prod\s+started\s+-\s+started \S+, no answer yet \(still running, or the agent stopped mid-run: never run again\)$/m);

    await startAgent();
    const next = await sendQueued(['--to', 'web1.prod', 'test::hello', 'again']);
    const answered = await cli('results', [requestIdOf(next.stdout), '--wait', '30']);
    assert.equal(answered.status, 0, answered.stderr);
    assert.match(answered.stdout, /hello again/);
    // The queue is done with the killed request: it ran once, and is still reported unanswered.
    assert.equal(readFileSync(marker, 'utf8').split('\n').filter((line) => line !== '').length, 1);
    assert.equal((await cli('results', [id])).status, 3);
  });
});
