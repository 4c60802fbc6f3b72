// SPEC 5.3: which shell-mode lines get ` "$@"` appended.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { namesPositionalParameter, shellScript } from '../../src/config/index.js';

test('lines that name a positional parameter are left as they are', () => {
  for (const line of ['echo "$1"', 'echo $9', 'printf "<%s>" "$@"', 'echo $*', 'echo ${1}', 'echo ${10}', 'echo ${1:-x}', 'echo "${@}"', 'echo $#', 'echo ${#1}']) {
    assert.equal(namesPositionalParameter(line), true, line);
    assert.equal(shellScript(line), line);
  }
});

test('lines that name none get "$@" appended', () => {
  for (const line of ['echo', 'date +%s', 'echo $HOME $0 $$', 'echo ${HOME}', 'uptime | tr a-z A-Z']) {
    assert.equal(namesPositionalParameter(line), false, line);
    assert.equal(shellScript(line), `${line} "$@"`);
  }
});
