// `uscmdrelay completion` (SPEC 13): the bash and zsh scripts, and bash really completing with them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, tempDir } from '../helpers/daemon.js';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, SHELL: '/bin/bash', ...env } });

describe('uscmdrelay completion', () => {
  it('prints a bash script that completes through the binary itself', () => {
    const script = run(['completion']);
    assert.match(script, /^###-begin-uscmdrelay-completions-###$/m);
    assert.match(script, /uscmdrelay --get-yargs-completions "\$\{args\[@\]\}"/);
    assert.match(script, /^complete -o bashdefault -o default -F _uscmdrelay_yargs_completions uscmdrelay$/m);
  });

  it('prints a zsh script when $SHELL is zsh', () => {
    const script = run(['completion'], { SHELL: '/usr/bin/zsh' });
    assert.match(script, /^#compdef uscmdrelay$/m);
    assert.match(script, /^ {2}compdef _uscmdrelay_yargs_completions uscmdrelay$/m);
  });

  it('answers every command, subcommands and options', () => {
    const commands = run(['--get-yargs-completions', 'uscmdrelay', '']).trim().split('\n');
    for (const name of ['serve', 'configtest', 'call', 'list', 'key', 'agent', 'send', 'signal', 'wait', 'keygen', 'completion']) {
      assert.ok(commands.includes(name), `${name} in ${commands.join(' ')}`);
    }
    assert.deepEqual(run(['--get-yargs-completions', 'uscmdrelay', 'key', '']).trim().split('\n'), ['new', 'list', 'revoke']);
    assert.ok(run(['--get-yargs-completions', 'uscmdrelay', 'serve', '--']).split('\n').includes('--shutdown-grace'));
  });

  it('completes in bash once the script is sourced', (t) => {
    try {
      execFileSync('bash', ['--version'], { stdio: 'ignore' });
    } catch {
      t.skip('bash is not installed');
      return;
    }
    // The script calls `uscmdrelay` from PATH, as an installed binary would be.
    const bin = tempDir('uscmdrelay-completion-');
    writeFileSync(join(bin, 'uscmdrelay'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
    chmodSync(join(bin, 'uscmdrelay'), 0o755);
    const complete = (words: string[]) =>
      execFileSync('bash', ['-c', `source <(uscmdrelay completion); COMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _uscmdrelay_yargs_completions; printf '%s\\n' "\${COMPREPLY[@]}"`], {
        encoding: 'utf8',
        env: { ...process.env, SHELL: '/bin/bash', PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      }).trim();
    assert.equal(complete(['uscmdrelay', 'confi']), 'configtest');
    assert.equal(complete(['uscmdrelay', 'key', 're']), 'revoke');
    assert.equal(complete(['uscmdrelay', 'serve', '--shutdown-g']), '--shutdown-grace');
  });
});
