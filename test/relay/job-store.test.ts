// In-process: where the state dir is, and what the store accepts from disk.
import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRecord, type JobRecord } from '../../src/relay/jobs/record.js';
import { defaultStateDir, JobStore } from '../../src/relay/jobs/store.js';
import { tempDir } from '../helpers/daemon.js';

const dir = tempDir('uscmdrelay-job-store-');

const RECORD: JobRecord = {
  job_id: '0123456789abcdef0123456789abcdef',
  key: 'ci',
  command: 'default::echo',
  args: ['a'],
  state: 'running',
  code: null,
  exit_code: null,
  signal: null,
  started_at: '2026-01-01T00:00:00.000Z',
  ended_at: null,
  output_bytes: 0,
  truncated: false,
  owner: 'sha256:00',
  pid: 42,
  pid_start: '123',
};

describe('defaultStateDir', () => {
  it('is /var/lib/uscmdrelay as root, else the XDG state dir', () => {
    assert.equal(defaultStateDir({}, true), '/var/lib/uscmdrelay');
    assert.equal(defaultStateDir({ XDG_STATE_HOME: '/srv/state' }, false), '/srv/state/uscmdrelay');
    assert.equal(defaultStateDir({}, false), join(homedir(), '.local', 'state', 'uscmdrelay'));
    assert.equal(defaultStateDir({ XDG_STATE_HOME: 'relative' }, false), join(homedir(), '.local', 'state', 'uscmdrelay'));
  });
});

describe('JobStore', () => {
  it('creates private dirs, writes records atomically and privately, and reads them back', async () => {
    const store = new JobStore(join(dir, 'state'));
    await store.ensure();
    assert.equal(statSync(store.stateDir).mode & 0o777, 0o700);
    assert.equal(statSync(store.jobsDir).mode & 0o777, 0o700);
    await store.writeRecord(RECORD);
    await store.writeRecord({ ...RECORD, state: 'exited', code: 0 });
    assert.deepEqual(readdirSync(store.jobsDir), [`${RECORD.job_id}.json`]);
    assert.equal(statSync(store.recordPath(RECORD.job_id)).mode & 0o777, 0o600);
    assert.deepEqual(await store.readRecord(RECORD.job_id), { ...RECORD, state: 'exited', code: 0 });
    assert.equal(await store.readRecord('../state/jobs/x'), null);
    assert.throws(() => store.outputPath('../../etc/passwd'), /not a job id/);
  });

  it('skips damaged records and leftovers of a crash', async () => {
    const store = new JobStore(join(dir, 'damaged'));
    await store.ensure();
    writeFileSync(join(store.jobsDir, 'ffffffffffffffffffffffffffffffff.json'), '{"job_id":');
    writeFileSync(join(store.jobsDir, `${RECORD.job_id}.json.0123456789ab.tmp`), 'half');
    writeFileSync(join(store.jobsDir, 'notes.json'), JSON.stringify(RECORD));
    assert.deepEqual(await store.readAll(), []);
    await store.removeLeftovers();
    assert.deepEqual(readdirSync(store.jobsDir).sort(), ['ffffffffffffffffffffffffffffffff.json', 'notes.json']);
  });
});

describe('parseRecord', () => {
  it('takes a whole record and refuses anything else', () => {
    assert.deepEqual(parseRecord(JSON.stringify(RECORD)), RECORD);
    for (const bad of ['', 'null', '[]', JSON.stringify({ ...RECORD, state: 'weird' }), JSON.stringify({ ...RECORD, job_id: '../x' }), JSON.stringify({ ...RECORD, args: [1] }), JSON.stringify({ ...RECORD, output_bytes: 1.5 }), JSON.stringify({ ...RECORD, owner: undefined })]) {
      assert.equal(parseRecord(bad), null, bad);
    }
  });
});
