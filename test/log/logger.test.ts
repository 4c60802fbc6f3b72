// SPEC 4: levels as words, asynchronous writes that a fatal exit can flush, --log-format.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createLogger, flushLogger, reopenLogFile, wantsPretty, type Logger } from '../../src/log/index.js';

const dir = mkdtempSync(join(tmpdir(), 'uscmdrelay-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const text = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

// The file is opened asynchronously: log a marker and wait until it is written there.
async function written(logger: Logger, file: string, marker: string): Promise<void> {
  logger.info(marker);
  while (!text(file).includes(marker)) await delay(10);
}

test('--log-format: pretty and json as said; auto is JSON for a file', () => {
  assert.equal(wantsPretty('pretty', join(dir, 'x.log')), true);
  assert.equal(wantsPretty('json', undefined), false);
  assert.equal(wantsPretty('auto', join(dir, 'x.log')), false);
});

test('a line is JSON with the level as a word; flushLogger writes a buffered line out at once', async () => {
  const file = join(dir, 'flush.log');
  const logger = createLogger({ file, level: 'info', format: 'json' });
  await written(logger, file, 'open');
  logger.warn({ request_id: 'r1' }, 'hello');
  flushLogger(logger); // synchronously: what a fatal exit relies on
  const line = JSON.parse(text(file).trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  assert.deepEqual([line.level, line.msg, line.request_id], ['warn', 'hello', 'r1']);
});

test('pretty text for a file when asked, without colours', async () => {
  const file = join(dir, 'pretty.log');
  const logger = createLogger({ file, level: 'info', format: 'pretty' });
  await written(logger, file, 'open');
  logger.info({ port: 7777 }, 'listening');
  flushLogger(logger);
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
