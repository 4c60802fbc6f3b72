// SPEC 4: levels as words, asynchronous writes (a file's at the end of the loop's turn, standard
// output's through sonic-boom) that any exit flushes, --log-format, a log that cannot be written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createLogger, drainLogger, flushLogger, logAtEndOfTurn, reopenLogFile, wantsPretty, type Logger } from '../../src/log/index.js';
import { tempDir } from '../helpers/daemon.js';

const dir = tempDir('uscmdrelay-log-');

const text = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

// Runs an ES module's text in a new node process from the package root (src/ through tsx).
const runModule = (script: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..') });

// Log a marker and wait until it is in the file.
async function written(logger: Logger, file: string, marker: string): Promise<void> {
  logger.info(marker);
  while (!text(file).includes(marker)) await delay(10);
}

test('--log-format: pretty and json as said; auto is JSON for a file', () => {
  assert.equal(wantsPretty('pretty', join(dir, 'x.log')), true);
  assert.equal(wantsPretty('json', undefined), false);
  assert.equal(wantsPretty('auto', join(dir, 'x.log')), false);
});

test('a line is JSON with the level as a word; drainLogger resolves once every line is written, in order', async () => {
  const file = join(dir, 'drain.log');
  const logger = createLogger({ file, level: 'info', format: 'json' });
  await written(logger, file, 'open');
  for (let i = 0; i < 200; i++) logger.warn({ request_id: `r${i}` }, 'hello');
  await drainLogger(logger); // what a normal or fatal exit waits for
  const lines = text(file).trim().split('\n').slice(1).map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(lines.map((line) => line.request_id), Array.from({ length: 200 }, (_, i) => `r${i}`));
  assert.deepEqual([lines[0]?.level, lines[0]?.msg], ['warn', 'hello']);
});

test('a file gets the lines of a turn of the event loop at its end, all at once', async () => {
  const file = join(dir, 'turn.log');
  const logger = createLogger({ file, level: 'info', format: 'json' });
  for (let i = 0; i < 20; i++) logger.info(`line ${i}`);
  assert.equal(text(file), ''); // out of the caller's way
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(text(file).trim().split('\n').length, 20);
});

test('logAtEndOfTurn: the line is built at the end of the turn, in the same write as the lines of the turn', async () => {
  const file = join(dir, 'later.log');
  const logger = createLogger({ file, level: 'info', format: 'json' });
  let built = false;
  logAtEndOfTurn(() => {
    built = true;
    logger.info('audit');
  });
  logger.info('at once');
  assert.equal(built, false); // not in the caller's way
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(built, true);
  assert.deepEqual(
    text(file).trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg),
    ['at once', 'audit'],
  );
});

test('lines still queued when the process exits are written', () => {
  const file = join(dir, 'exit.log');
  const script = [
    "import { createLogger, logAtEndOfTurn } from './src/log/index.js';",
    `const logger = createLogger({ file: ${JSON.stringify(file)}, level: 'info', format: 'json' });`,
    "logAtEndOfTurn(() => logger.info('audit of the last request'));",
    "logger.info('last words');",
    'process.exit(3);',
  ].join('\n');
  const child = runModule(script);
  assert.equal(child.status, 3, child.stderr);
  assert.match(text(file), /"msg":"last words"/);
  assert.match(text(file), /"msg":"audit of the last request"/);
});

test('a log that cannot be written (a full disk) does not throw: one line on stderr, and logging goes on', () => {
  const script = [
    "import { createLogger } from './src/log/index.js';",
    "const logger = createLogger({ file: '/dev/full', level: 'info', format: 'json' });",
    'for (let i = 0; i < 100; i++) logger.info(`line ${i}`);',
    "process.stdout.write('still here');",
  ].join('\n');
  const child = runModule(script);
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout, 'still here');
  assert.equal(child.stderr, 'uscmdrelay: cannot write the log to /dev/full (ENOSPC); retrying with each line\n');
});

test('flushLogger writes what is buffered before it returns', async () => {
  const file = join(dir, 'flush.log');
  const logger = createLogger({ file, level: 'info', format: 'json' });
  await written(logger, file, 'open');
  for (let i = 0; i < 50; i++) logger.info(`line ${i}`);
  logAtEndOfTurn(() => logger.info('waiting for the end of the turn'));
  flushLogger(logger); // synchronously; only a write already in flight may land after it
  assert.match(text(file), /waiting for the end of the turn/);
  await drainLogger(logger);
  assert.equal(text(file).trim().split('\n').length, 52);
});

test('pretty text for a file when asked, without colours', async () => {
  const file = join(dir, 'pretty.log');
  const logger = createLogger({ file, level: 'info', format: 'pretty' });
  await written(logger, file, 'open');
  logger.info({ port: 7777 }, 'listening');
  await drainLogger(logger);
  assert.match(text(file), /\n\[[0-9-]+ [0-9:.]+\] INFO: listening\n {4}port: 7777\n$/);
});

test('reopenLogFile follows a rotated file', async () => {
  const file = join(dir, 'rotate.log');
  const logger = createLogger({ file, level: 'info', format: 'json' });
  await written(logger, file, 'before');
  renameSync(file, `${file}.1`);
  reopenLogFile(logger);
  await written(logger, file, 'after');
  assert.match(text(`${file}.1`), /"msg":"before"/);
  assert.doesNotMatch(text(`${file}.1`), /"msg":"after"/);
});

test('a key that slips into a log call is censored: at the top, in a request, in a body', async () => {
  const file = join(dir, 'redact.log');
  const logger = createLogger({ file, level: 'info', format: 'json' });
  logger.info({ auth_key: 'secret-1', request: { auth_key: 'secret-2', command: 'x' }, body: { auth_key: 'secret-3' }, key_material: 'secret-4' }, 'oops');
  await drainLogger(logger);
  while (!text(file).includes('oops')) await delay(10);
  assert.doesNotMatch(text(file), /secret-/);
  const line = JSON.parse(text(file).trim()) as { request: { command: string } };
  assert.equal(line.request.command, 'x');
});
