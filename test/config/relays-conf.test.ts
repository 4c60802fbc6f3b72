// relays.conf (SPEC 3.4, 5.2): plain and extended commands, every option's values and messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandSpec } from '../../src/config/index.js';
import { DEFAULTS, MINIMAL_AUTH, load, problemsOf } from './helpers.js';

// The one command a relays.conf defines at cluster::name.
function spec(relays: string, cluster: string, name: string, defaults = DEFAULTS): CommandSpec {
  const found = load(MINIMAL_AUTH, relays, defaults).clusters.get(cluster)?.get(name);
  assert.ok(found, `${cluster}::${name} exists`);
  return found;
}

// The problems of a relays.conf, formatted, with the temp dir as DIR.
function problems(relays: string): string[] {
  return problemsOf(MINIMAL_AUTH, relays);
}

// The problem of one option line of an extended section [c::n] (line 3 of the file).
function optionProblem(option: string, value: string): string[] {
  return problems(`[c::n]\ncommand = /bin/true\n${option} = ${value}\n`);
}

test('a plain line: name = command line, with every default', () => {
  const uptime = spec('[default]\nuptime = /usr/bin/uptime\n', 'default', 'uptime');
  assert.deepEqual({ ...uptime, env: [...uptime.env], logmask: [...uptime.logmask] }, {
    cluster: 'default',
    name: 'uptime',
    line: '/usr/bin/uptime',
    argv: ['/usr/bin/uptime'],
    description: '',
    timeoutMs: 600_000,
    maxOutput: 16 * 1024 * 1024,
    uid: null,
    gid: null,
    cwd: '/',
    env: [],
    passEnv: [],
    args: { min: 0, max: null },
    argPattern: null,
    payload: 'none',
    maxPayload: 262144,
    concurrency: null,
    logmask: [],
    shell: false,
    onDisconnect: 'continue',
    origin: { file: uptime.origin.file, section: 'default' },
  });
  assert.match(uptime.origin.file, /relays\.conf$/u);
});

test('command lines are shlex-split; ; # and % stay in arguments', () => {
  const relays = '[default]\nsh = sh -c "a; b" # not a comment\ndate = date +%s\n';
  assert.deepEqual(spec(relays, 'default', 'sh').argv, ['sh', '-c', 'a; b', '#', 'not', 'a', 'comment']);
  assert.deepEqual(spec(relays, 'default', 'date').argv, ['date', '+%s']);
  assert.equal(spec(relays, 'default', 'sh').line, 'sh -c "a; b" # not a comment');
});

test('plain command names are lower-cased (configparser optionxform); extended names are verbatim', () => {
  const snapshot = load(MINIMAL_AUTH, '[Ops]\nDiskUsage = df -h\n[Ops::Restart-App]\ncommand = /bin/true\n');
  assert.deepEqual([...(snapshot.clusters.get('Ops')?.keys() ?? [])], ['diskusage', 'Restart-App']);
});

test('a continued command line is one command', () => {
  assert.deepEqual(spec('[c::n]\ncommand = /bin/echo\n  one\n  two\n', 'c', 'n').argv, ['/bin/echo', 'one', 'two']);
});

test('a cluster is the union of [cluster] lines and [cluster::name] sections, split at the first ::', () => {
  const snapshot = load(MINIMAL_AUTH, '[deploy]\nstatus = /bin/true\n[deploy::restart::now]\ncommand = /bin/false\n[a.b::c.d]\ncommand = /bin/true\n');
  assert.deepEqual([...(snapshot.clusters.get('deploy')?.keys() ?? [])], ['status', 'restart::now']);
  assert.deepEqual([...(snapshot.clusters.get('a.b')?.keys() ?? [])], ['c.d']);
  assert.equal(snapshot.clusters.get('deploy')?.get('restart::now')?.origin.section, 'deploy::restart::now');
});

test('one name defined twice (plain line and extended section) is a problem', () => {
  assert.deepEqual(problems('[deploy]\nrestart = /bin/true\n[deploy::restart]\ncommand = /bin/false\n'), [
    'DIR/relays.conf:3: [deploy::restart] the command "restart" of cluster "deploy" is also defined in [deploy] at DIR/relays.conf:2',
  ]);
});

test('extended section names need both parts', () => {
  assert.deepEqual(problems('[::x]\ncommand = /bin/true\n[y::]\ncommand = /bin/true\n'), [
    'DIR/relays.conf:1: [::x] an extended section is named [cluster::name], with neither part empty',
    'DIR/relays.conf:3: [y::] an extended section is named [cluster::name], with neither part empty',
  ]);
});

test('empty and unsplittable command lines are problems', () => {
  assert.deepEqual(problems('[default]\nempty =\nquotes = ""\nopen = echo "a\nescape = echo \\\n'), [
    'DIR/relays.conf:2: [default] empty: empty command line',
    'DIR/relays.conf:3: [default] quotes: empty command line',
    'DIR/relays.conf:4: [default] open: cannot split the command line: No closing quotation',
    'DIR/relays.conf:5: [default] escape: cannot split the command line: No escaped character',
  ]);
  assert.deepEqual(problems('[c::n]\ndescription = no command\n'), ['DIR/relays.conf:1: [c::n] command: required']);
});

test('in shell mode a line shlex cannot split is still a valid script (argv is empty then)', () => {
  const found = spec("[c::n]\ncommand = echo \"$1\" # it's fine for sh\nshell = yes\n", 'c', 'n');
  assert.equal(found.shell, true);
  assert.deepEqual(found.argv, []);
  assert.equal(found.line, 'echo "$1" # it\'s fine for sh');
});

test('description', () => {
  assert.equal(spec('[c::n]\ncommand = /bin/true\ndescription = Does nothing; well\n', 'c', 'n').description, 'Does nothing; well');
});

test('timeout: seconds to ms, fractions, 0 = none, bounds', () => {
  assert.equal(spec('[c::n]\ncommand = /bin/true\ntimeout = 60\n', 'c', 'n').timeoutMs, 60_000);
  assert.equal(spec('[c::n]\ncommand = /bin/true\ntimeout = 0.25\n', 'c', 'n').timeoutMs, 250);
  assert.equal(spec('[c::n]\ncommand = /bin/true\ntimeout = 0\n', 'c', 'n').timeoutMs, 0);
  assert.equal(spec('[c::n]\ncommand = /bin/true\n', 'c', 'n', { ...DEFAULTS, timeoutMs: 5000 }).timeoutMs, 5000);
  for (const bad of ['-1', 'ten', '1e3', '10s', '']) {
    assert.deepEqual(optionProblem('timeout', bad), [
      'DIR/relays.conf:3: [c::n] timeout: must be a number of seconds >= 0 (0 = no limit)',
    ]);
  }
  assert.deepEqual(optionProblem('timeout', '2147484'), [
    'DIR/relays.conf:3: [c::n] timeout: must be at most 2147483 seconds (0 = no limit)',
  ]);
});

test('max_output and max_payload: bytes with K/M/G suffixes', () => {
  const found = spec('[c::n]\ncommand = /bin/true\nmax_output = 64K\nmax_payload = 2m\n', 'c', 'n');
  assert.deepEqual([found.maxOutput, found.maxPayload], [65536, 2 * 1024 * 1024]);
  assert.equal(spec('[c::n]\ncommand = /bin/true\nmax_output = 1G\n', 'c', 'n').maxOutput, 1024 ** 3);
  assert.equal(spec('[c::n]\ncommand = /bin/true\nmax_output = 100\n', 'c', 'n').maxOutput, 100);
  assert.equal(spec('[c::n]\ncommand = /bin/true\n', 'c', 'n', { ...DEFAULTS, maxOutput: 42 }).maxOutput, 42);
  const message = 'must be a whole number of bytes >= 1, optionally with K, M or G (KiB, MiB, GiB)';
  for (const bad of ['0', '-5', '1.5M', '10T', 'lots']) {
    assert.deepEqual(optionProblem('max_output', bad), [`DIR/relays.conf:3: [c::n] max_output: ${message}`]);
    assert.deepEqual(optionProblem('max_payload', bad), [`DIR/relays.conf:3: [c::n] max_payload: ${message}`]);
  }
});

test('user and group: names or ids from /etc/passwd and /etc/group', () => {
  const nobody = spec('[c::n]\ncommand = /bin/true\nuser = nobody\n', 'c', 'n');
  assert.deepEqual([nobody.uid, nobody.gid], [65534, 65534]);
  const rootAsNogroup = spec('[c::n]\ncommand = /bin/true\nuser = 0\ngroup = nogroup\n', 'c', 'n');
  assert.deepEqual([rootAsNogroup.uid, rootAsNogroup.gid], [0, 65534]);
  const groupOnly = spec('[c::n]\ncommand = /bin/true\ngroup = 4242\n', 'c', 'n');
  assert.deepEqual([groupOnly.uid, groupOnly.gid], [null, 4242]);
  const unlistedUid = spec('[c::n]\ncommand = /bin/true\nuser = 4243\ngroup = 4244\n', 'c', 'n');
  assert.deepEqual([unlistedUid.uid, unlistedUid.gid], [4243, 4244]);
  assert.deepEqual(optionProblem('user', 'no-such-user-here'), ['DIR/relays.conf:3: [c::n] user: no such user: no-such-user-here']);
  assert.deepEqual(optionProblem('group', 'no-such-group-here'), ['DIR/relays.conf:3: [c::n] group: no such group: no-such-group-here']);
  assert.deepEqual(optionProblem('user', '4243'), [
    'DIR/relays.conf:3: [c::n] user: uid 4243 has no /etc/passwd entry to take a primary group from; set group too',
  ]);
});

test('cwd: absolute, an existing directory; default /', () => {
  assert.equal(spec('[c::n]\ncommand = /bin/true\ncwd = /tmp\n', 'c', 'n').cwd, '/tmp');
  assert.deepEqual(optionProblem('cwd', 'tmp'), ['DIR/relays.conf:3: [c::n] cwd: must be an absolute path']);
  assert.deepEqual(optionProblem('cwd', '/no/such/dir/here'), ['DIR/relays.conf:3: [c::n] cwd: no such directory']);
  assert.deepEqual(optionProblem('cwd', '/etc/passwd'), ['DIR/relays.conf:3: [c::n] cwd: not a directory']);
});

test('env: shlex-split NAME=value pairs', () => {
  const found = spec("[c::n]\ncommand = /bin/true\nenv = A=1 B='two words' C= _d=x=y\n", 'c', 'n');
  assert.deepEqual([...found.env], [['A', '1'], ['B', 'two words'], ['C', ''], ['_d', 'x=y']]);
  assert.deepEqual(optionProblem('env', 'NOEQUALS'), ['DIR/relays.conf:3: [c::n] env: "NOEQUALS" is not NAME=value']);
  assert.deepEqual(optionProblem('env', '1A=x'), [
    'DIR/relays.conf:3: [c::n] env: "1A" is not a variable name ([A-Za-z_][A-Za-z0-9_]*)',
  ]);
  assert.deepEqual(optionProblem('env', 'A=1 A=2'), ['DIR/relays.conf:3: [c::n] env: A is set twice']);
  assert.deepEqual(optionProblem('env', "A='x"), ['DIR/relays.conf:3: [c::n] env: No closing quotation']);
});

test('pass_env: names separated by spaces or commas', () => {
  assert.deepEqual(spec('[c::n]\ncommand = /bin/true\npass_env = HOME, TZ  USER\n', 'c', 'n').passEnv, ['HOME', 'TZ', 'USER']);
  assert.deepEqual(optionProblem('pass_env', 'HOME BAD-NAME'), [
    'DIR/relays.conf:3: [c::n] pass_env: "BAD-NAME" is not a variable name ([A-Za-z_][A-Za-z0-9_]*)',
  ]);
});

test('args: none, any, N, M-N', () => {
  const args = (value: string) => spec(`[c::n]\ncommand = /bin/true\nargs = ${value}\n`, 'c', 'n').args;
  assert.deepEqual(args('none'), { min: 0, max: 0 });
  assert.deepEqual(args('ANY'), { min: 0, max: null });
  assert.deepEqual(args('3'), { min: 0, max: 3 });
  assert.deepEqual(args('1-2'), { min: 1, max: 2 });
  assert.deepEqual(args('2 - 2'), { min: 2, max: 2 });
  for (const bad of ['some', '-1', '1-', '1.5']) {
    assert.deepEqual(optionProblem('args', bad), ['DIR/relays.conf:3: [c::n] args: must be none, any, N (at most N arguments) or M-N']);
  }
  assert.deepEqual(optionProblem('args', '3-1'), ['DIR/relays.conf:3: [c::n] args: the range 3-1 is empty: M must not exceed N']);
});

test('arg_pattern must match a whole argument', () => {
  const pattern = spec('[c::n]\ncommand = /bin/true\narg_pattern = [a-z]+|[0-9]+\n', 'c', 'n').argPattern;
  assert.ok(pattern);
  assert.equal(pattern.test('abc'), true);
  assert.equal(pattern.test('123'), true);
  assert.equal(pattern.test('abc123'), false);
  assert.equal(pattern.test('abc;rm'), false);
  assert.deepEqual(optionProblem('arg_pattern', '[a-z'), [
    'DIR/relays.conf:3: [c::n] arg_pattern: not a valid regular expression: Invalid regular expression: /[a-z/u: Unterminated character class',
  ]);
  // Unbalanced alone, balanced once wrapped in ^(?:…)$: it would have matched far more than whole arguments.
  assert.deepEqual(optionProblem('arg_pattern', '[a-z]+)|(.*'), [
    "DIR/relays.conf:3: [c::n] arg_pattern: not a valid regular expression: Invalid regular expression: /[a-z]+)|(.*/u: Unmatched ')'",
  ]);
  assert.deepEqual(optionProblem('arg_pattern', ''), [
    'DIR/relays.conf:3: [c::n] arg_pattern: empty; leave the option out to allow any argument',
  ]);
});

test('payload: none, stdin, file', () => {
  assert.equal(spec('[c::n]\ncommand = /bin/cat\npayload = stdin\n', 'c', 'n').payload, 'stdin');
  assert.equal(spec('[c::n]\ncommand = /bin/cat\npayload = FILE\n', 'c', 'n').payload, 'file');
  assert.deepEqual(optionProblem('payload', 'pipe'), ['DIR/relays.conf:3: [c::n] payload: must be one of: none, stdin, file']);
});

test('concurrency: a whole number >= 1', () => {
  assert.equal(spec('[c::n]\ncommand = /bin/true\nconcurrency = 2\n', 'c', 'n').concurrency, 2);
  for (const bad of ['0', 'many', '1.5']) {
    assert.deepEqual(optionProblem('concurrency', bad), ['DIR/relays.conf:3: [c::n] concurrency: must be a whole number >= 1']);
  }
});

test('logmask: 1-based positions, spaces or commas', () => {
  assert.deepEqual([...spec('[c::n]\ncommand = /bin/true\nlogmask = 2, 1 4\n', 'c', 'n').logmask], [2, 1, 4]);
  assert.deepEqual(optionProblem('logmask', '0'), [
    'DIR/relays.conf:3: [c::n] logmask: "0" is not an argument position (1 is the first client argument)',
  ]);
  assert.deepEqual(optionProblem('logmask', '1 x'), [
    'DIR/relays.conf:3: [c::n] logmask: "x" is not an argument position (1 is the first client argument)',
  ]);
});

test('shell: configparser boolean words; default is the daemon flag', () => {
  for (const [word, flag] of [['1', true], ['Yes', true], ['TRUE', true], ['on', true], ['0', false], ['no', false], ['False', false], ['OFF', false]] as const) {
    assert.equal(spec(`[c::n]\ncommand = /bin/true\nshell = ${word}\n`, 'c', 'n', { ...DEFAULTS, shellExec: !flag }).shell, flag);
  }
  assert.equal(spec('[default]\nx = /bin/true\n', 'default', 'x', { ...DEFAULTS, shellExec: true }).shell, true);
  assert.deepEqual(optionProblem('shell', 'maybe'), ['DIR/relays.conf:3: [c::n] shell: must be yes or no (also 1/0, true/false, on/off)']);
});

test('on_disconnect: continue or kill', () => {
  assert.equal(spec('[c::n]\ncommand = /bin/true\non_disconnect = kill\n', 'c', 'n').onDisconnect, 'kill');
  assert.deepEqual(optionProblem('on_disconnect', 'stop'), [
    'DIR/relays.conf:3: [c::n] on_disconnect: must be one of: continue, kill',
  ]);
});

test('unknown options of an extended section are problems', () => {
  assert.deepEqual(optionProblem('timeuot', '5'), [
    'DIR/relays.conf:3: [c::n] timeuot: unknown option (known: command, description, timeout, max_output, user, group, ' +
      'cwd, env, pass_env, args, arg_pattern, payload, max_payload, concurrency, logmask, shell, on_disconnect)',
  ]);
});

test('every bad option of a section is reported, not only the first', () => {
  assert.deepEqual(problems('[c::n]\ncommand = /bin/true\ntimeout = x\nargs = y\ncwd = z\n'), [
    'DIR/relays.conf:3: [c::n] timeout: must be a number of seconds >= 0 (0 = no limit)',
    'DIR/relays.conf:4: [c::n] args: must be none, any, N (at most N arguments) or M-N',
    'DIR/relays.conf:5: [c::n] cwd: must be an absolute path',
  ]);
});

test('[DEFAULT]: commands for every plain cluster; options for every extended section', () => {
  const relays = '[DEFAULT]\nuptime = /usr/bin/uptime\ntimeout = 5\n[a]\nx = /bin/true\n[b]\n[c::n]\ncommand = /bin/true\n';
  const snapshot = load(MINIMAL_AUTH, relays);
  assert.deepEqual([...(snapshot.clusters.get('a')?.keys() ?? [])], ['uptime', 'timeout', 'x']);
  assert.deepEqual([...(snapshot.clusters.get('b')?.keys() ?? [])], ['uptime', 'timeout']);
  assert.deepEqual([...(snapshot.clusters.get('c')?.keys() ?? [])], ['n']);
  assert.equal(snapshot.clusters.get('c')?.get('n')?.timeoutMs, 5000);
  assert.equal(snapshot.clusters.has('DEFAULT'), false);
});

test('a section own line overrides the inherited [DEFAULT] one; so does a [cluster::name] section', () => {
  const relays = '[DEFAULT]\ndate = date\n[a]\ndate = date +%s\n[b]\n[b::date]\ncommand = date -u\n';
  const snapshot = load(MINIMAL_AUTH, relays);
  assert.deepEqual(snapshot.clusters.get('a')?.get('date')?.argv, ['date', '+%s']);
  assert.deepEqual(snapshot.clusters.get('b')?.get('date')?.argv, ['date', '-u']);
});

test('__proto__, constructor and toString are ordinary cluster and command names', () => {
  const relays = '[__proto__]\n__proto__ = /bin/echo proto\nconstructor = /bin/echo ctor\n[constructor::toString]\ncommand = /bin/true\n';
  const snapshot = load(MINIMAL_AUTH, relays);
  assert.deepEqual(snapshot.clusters.get('__proto__')?.get('__proto__')?.argv, ['/bin/echo', 'proto']);
  assert.deepEqual(snapshot.clusters.get('__proto__')?.get('constructor')?.argv, ['/bin/echo', 'ctor']);
  assert.deepEqual([...(snapshot.clusters.get('constructor')?.keys() ?? [])], ['toString']);
  assert.equal(snapshot.clusters.get('toString'), undefined);
  assert.equal(snapshot.clusters.get('default'), undefined);
});

test('syntax errors in relays.conf are reported with their lines', () => {
  assert.deepEqual(problems('[default]\nx = /bin/true\nX = /bin/false\nrubbish\n'), [
    'DIR/relays.conf:3: [default] x: duplicate option (first at line 2)',
    'DIR/relays.conf:4: [default] not a `name = value` line, a [section] header, a comment or an indented continuation',
  ]);
  assert.deepEqual(problems('orphan = 1\n[default]\nx = /bin/true\n'), ['DIR/relays.conf:1: a line before any [section] header']);
});
