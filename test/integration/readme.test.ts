// The README's examples, run as written against what `npm start` serves (the bundled samples, via
// scripts/start-sample.mjs into a temporary directory: never the checkout's .sample/).
//
// The extraction rule, so README sections can add examples knowingly:
//   - only ```sh blocks are read (a line ending in `\` continues on the next);
//   - an example request is a line (an optional `$ ` prompt first) that pipes into
//     `nc -N 127.0.0.1 7777`; it is run with the sample daemon's port instead of 7777;
//   - the answer it expects is the last line starting with `{` that follows it, before the next
//     `$ ` line or blank line; its `status`, `code`, `exit_code` and `message` (when written out
//     without `…`) must match, except the message of a command in VOLATILE (its output varies);
//     a request with no answer shown must answer code 0; a request naming a `job_id` is left to
//     readme-jobs.test.ts, which puts in the id of the job it started;
//   - a `uscmdrelay call …` line (or `node dist/cli/main.js call …`) must name a command that the
//     sample configuration defines; `--host`, `--port`, `--key-file`, `--tls-*` (but `--tls`),
//     `--payload`, `--timeout` and `--id` take a value, any other flag is taken to be boolean.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadConfigSnapshot } from '../../src/config/index.js';
import { tempDir } from '../helpers/daemon.js';

const REPO = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const run = promisify(execFile);
const VOLATILE = new Set(['uptime', 'default::uptime', 'date', 'default::date']);
const VALUE_FLAGS = new Set(['--host', '--port', '--key-file', '--tls-ca', '--tls-cert', '--tls-key', '--tls-servername', '--payload', '--timeout', '--id', '--http']);

const work = tempDir('uscmdrelay-readme-');

// The lines of every ```sh block, in order; a line ending in `\` is joined with the next.
function shBlocks(markdown: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] | null = null;
  for (const line of markdown.replace(/\\\n\s*/gu, ' ').split('\n')) {
    if (current === null && line.trim() === '```sh') current = [];
    else if (current !== null && line.trim() === '```') {
      blocks.push(current);
      current = null;
    } else if (current !== null) current.push(line);
  }
  return blocks;
}

interface Example {
  request: string; // the shell line, without its prompt
  expected: string | null; // the answer line shown, if any
}

const NC = /\|\s*nc -N 127\.0\.0\.1 7777\s*$/u;

function ncExamples(): Example[] {
  const examples: Example[] = [];
  for (const block of shBlocks(README)) {
    block.forEach((line, index) => {
      const request = line.replace(/^\$ /u, '');
      if (!NC.test(request)) return;
      if (request.includes('"job_id":')) return; // a job's id is known only once started: readme-jobs.test.ts runs these
      let expected: string | null = null;
      for (const next of block.slice(index + 1)) {
        if (next.startsWith('$ ') || next.trim() === '') break;
        if (next.startsWith('{')) expected = next;
      }
      examples.push({ request, expected });
    });
  }
  return examples;
}

// The commands named by `call` lines, as cluster::name.
function calledCommands(): string[] {
  const names: string[] = [];
  for (const block of shBlocks(README)) {
    for (const line of block) {
      const found = /(?:^|\|\s*|\$ )(?:uscmdrelay|node dist\/cli\/main\.js) call (.*)$/u.exec(line);
      if (!found) continue;
      const words = (found[1] ?? '').split(/#|;|&&|\|/u)[0]!.trim().split(/\s+/u);
      for (let i = 0; i < words.length; i++) {
        const word = words[i]!;
        if (VALUE_FLAGS.has(word)) i += 1;
        else if (!word.startsWith('-')) {
          names.push(word.includes('::') ? word : `default::${word}`);
          break;
        }
      }
    }
  }
  return names;
}

// A field as the README writes it, or undefined when it is not shown (or shown as `…`).
function shownField(answer: string, field: string): string | number | null | undefined {
  const text = new RegExp(`"${field}":("(?:[^"\\\\]|\\\\.)*"|-?\\d+|null)`, 'u').exec(answer)?.[1];
  if (text === undefined || text.includes('…')) return undefined;
  return JSON.parse(text) as string | number | null;
}

// Starts scripts/start-sample.mjs (what `npm start` runs after building) on an ephemeral port.
async function startSample(): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(REPO, 'scripts', 'start-sample.mjs'), '--sample-dir', join(work, 'sample'), '--port', '0'], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; port?: number; host?: string };
    if (entry.msg === 'listening') {
      assert.equal(entry.host, '127.0.0.1');
      lines.on('line', () => {}); // keep draining the log
      return {
        port: entry.port!,
        stop: async () => {
          child.kill('SIGTERM');
          await once(child, 'exit');
        },
      };
    }
  }
  throw new Error('the sample daemon exited before listening');
}

describe('README examples against the sample configuration', () => {
  it('has the two command lines: install and start, and the test suite', () => {
    assert.match(README, /^npm ci && npm start$/m);
    assert.match(README, /^npm test$/m);
  });

  it('every command a `call` line names exists in the sample configuration', () => {
    const config = mkdtempSync(join(work, 'config-'));
    copyFileSync(join(REPO, 'auth.sample.conf'), join(config, 'auth.conf'));
    copyFileSync(join(REPO, 'relays.sample.conf'), join(config, 'relays.conf'));
    chmodSync(join(config, 'auth.conf'), 0o600);
    const snapshot = loadConfigSnapshot({ configDir: config, defaults: { timeoutMs: 600_000, maxOutput: 1 << 24, shellExec: false } });
    const names = calledCommands();
    assert.ok(names.length >= 10, `found only ${names.join(', ')}`);
    for (const name of names) {
      const [cluster, command] = name.split('::');
      assert.ok(snapshot.clusters.get(cluster ?? '')?.has(command ?? ''), `README calls ${name}, which the sample lacks`);
    }
  });

  it('every nc example answers what the README shows', { timeout: 120_000 }, async () => {
    const examples = ncExamples();
    assert.ok(examples.length >= 4, `found only ${examples.length} nc examples`);
    // Item 8: a running `npm start` keeps its .sample/: the test's copy is in its own temp dir.
    const repoSample = join(REPO, '.sample', 'relays.conf');
    const before = existsSync(repoSample) ? statSync(repoSample).mtimeMs : null;
    const sample = await startSample();
    assert.equal(existsSync(join(work, 'sample', 'relays.conf')), true);
    assert.equal(existsSync(repoSample) ? statSync(repoSample).mtimeMs : null, before);
    try {
      for (const { request, expected } of examples) {
        const { stdout } = await run('sh', ['-c', request.replace(NC, `| nc -N 127.0.0.1 ${sample.port}`)], { timeout: 30_000, cwd: work });
        const last = stdout.trimEnd().split('\n').at(-1) ?? '';
        const answer = JSON.parse(last) as Record<string, unknown>;
        const command = String(/"command":"([^"]*)"/u.exec(request)?.[1]);
        if (expected === null) {
          assert.equal(answer.code, 0, `${request}\n→ ${last}`);
          continue;
        }
        for (const field of ['status', 'code', 'exit_code', 'message']) {
          const shown = shownField(expected, field);
          if (shown === undefined || (field === 'message' && VOLATILE.has(command))) continue;
          assert.deepEqual(answer[field], shown, `${field} of ${request}\n→ ${last}`);
        }
        if (command === 'uptime') assert.match(String(answer.message), /load average/);
      }
    } finally {
      await sample.stop();
    }
  });
});
