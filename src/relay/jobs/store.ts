// The state dir (SPEC 10): `<dir>/jobs/<id>.json` (the record, replaced atomically) and
// `<dir>/jobs/<id>.out` (the output as produced). Private: directories 0700, files 0600.
// Paths are built from ids that passed isJobId only.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isJobId } from './job-id.js';
import { parseRecord, type JobRecord } from './record.js';

// Where jobs live when --state-dir is not given.
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, isRoot = process.getuid?.() === 0): string {
  if (isRoot) return '/var/lib/uscmdrelay';
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec: a relative path in the variable is invalid and ignored.
  const base = xdg !== undefined && xdg.startsWith('/') ? xdg : join(homedir(), '.local', 'state');
  return join(base, 'uscmdrelay');
}

export class JobStore {
  readonly jobsDir: string;
  private ready: Promise<void> | null = null;

  constructor(readonly stateDir: string) {
    this.jobsDir = join(stateDir, 'jobs');
  }

  // Creates the dirs (0700) the first time a job starts: a daemon that never runs a job writes nothing.
  ensure(): Promise<void> {
    this.ready ??= (async () => {
      for (const dir of [this.stateDir, this.jobsDir]) {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await chmod(dir, 0o700);
      }
    })().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  recordPath(id: string): string {
    return join(this.jobsDir, `${checked(id)}.json`);
  }

  outputPath(id: string): string {
    return join(this.jobsDir, `${checked(id)}.out`);
  }

  // Write to a private temporary file, flush it, then rename over the record: a reader (or a
  // crash) sees the old record or the new one, never half of one.
  async writeRecord(record: JobRecord): Promise<void> {
    const target = this.recordPath(record.job_id);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(record)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  }

  async readRecord(id: string): Promise<JobRecord | null> {
    if (!isJobId(id)) return null;
    try {
      const record = parseRecord(await readFile(this.recordPath(id), 'utf8'));
      return record?.job_id === id ? record : null;
    } catch {
      return null;
    }
  }

  // Every readable record; none when the dir does not exist yet.
  async readAll(): Promise<JobRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.jobsDir);
    } catch {
      return [];
    }
    const ids = names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).filter(isJobId);
    const records = await Promise.all(ids.map((id) => this.readRecord(id)));
    return records.filter((record) => record !== null);
  }

  // Opens the output file for appending, creating it private.
  async openOutput(id: string) {
    return open(this.outputPath(id), 'a', 0o600);
  }

  async outputSize(id: string): Promise<number> {
    try {
      return (await stat(this.outputPath(id))).size;
    } catch {
      return 0;
    }
  }

  async remove(id: string): Promise<void> {
    await rm(this.outputPath(id), { force: true });
    await rm(this.recordPath(id), { force: true });
  }

  // Temporary record files left by a crash in the middle of writeRecord.
  async removeLeftovers(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.jobsDir);
    } catch {
      return;
    }
    await Promise.all(names.filter((name) => /^[0-9a-f]{32}\.json\.[0-9a-f]{12}\.tmp$/.test(name)).map((name) => rm(join(this.jobsDir, name), { force: true })));
  }
}

function checked(id: string): string {
  if (!isJobId(id)) throw new Error(`not a job id: ${JSON.stringify(id)}`);
  return id;
}
