// The help renderer (cliui, string-width) is loaded only when help is rendered: reading a command
// line costs no Intl.Segmenter, which string-width makes at load (src/cli/yargs.ts: 3.6 MiB of
// the daemon's resident memory at rest).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../client/run-cli.js';
import { tempDir, writeConfig } from '../helpers/daemon.js';

// Counts the Intl.Segmenters the process makes, and reports the count on stderr at exit.
const COUNT_SEGMENTERS = `data:text/javascript,${encodeURIComponent(`
const Segmenter = Intl.Segmenter;
let made = 0;
Intl.Segmenter = class extends Segmenter { constructor(...args) { super(...args); made += 1; } };
process.on('exit', () => process.stderr.write('segmenters=' + made + '\\n'));
`)}`;

async function run(args: string[]): Promise<{ stdout: string; stderr: string; segmenters: number }> {
  // yargs words its help in the locale's language; these tests read the English one. The data:
  // URL has no space in it, so NODE_OPTIONS carries it as one option.
  const result = await runCli(args, { env: { LC_ALL: 'C.UTF-8', NODE_OPTIONS: `--import ${COUNT_SEGMENTERS}` } });
  const segmenters = Number(/segmenters=(\d+)/.exec(result.stderr)?.[1] ?? NaN);
  return { stdout: result.stdout, stderr: result.stderr, segmenters };
}

describe('the CLI help renderer', () => {
  it('is not loaded to run a command', async () => {
    const dir = tempDir('uscmdrelay-help-');
    writeConfig(dir, { auth: '[some-key-1234567890]\nauth_clusters = ops\n', relays: '[ops]\nuptime = /usr/bin/uptime\n' });
    const result = await run(['configtest', '--config-dir', dir]);
    assert.equal(result.stdout, 'Config OK\n', result.stderr);
    assert.equal(result.segmenters, 0);
  });

  it('is not loaded for a usage mistake, which prints one line', async () => {
    const result = await run(['serve', '--no-such-option']);
    assert.match(result.stderr, /^uscmdrelay: Unknown argument/);
    assert.equal(result.segmenters, 0);
  });

  it('is loaded when help is asked for, and lays out the columns', async () => {
    const result = await run(['--help']);
    assert.ok(result.segmenters > 0);
    assert.match(result.stdout, /^ {2}uscmdrelay serve +run the daemon +\[default\]$/m);
    assert.match(result.stdout, /^ {2}-h, --help +Show help +\[boolean\]$/m);
  });
});
