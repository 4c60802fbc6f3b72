// Detached jobs (SPEC 10): start, read by offset with long-poll, list, cancel, drain, recover
// after a crash, and forget finished jobs past the retention. The road decides who may do what;
// this keeps the records, the output files and the running jobs.
import { EventEmitter, once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import type { Logger } from '../../log/index.js';
import { codes, RelayError, type JobState, type JobView } from '../../protocol/index.js';
import { killProcessGroup } from '../../exec/kill-group.js';
import type { OutputSink, StopSignal } from '../../exec/index.js';
import { waitForEvent } from '../../timers/index.js';
import { newJobId } from './job-id.js';
import { jobGroupAlive, processStartTime } from './process-identity.js';
import { viewOf, type JobRecord } from './record.js';
import { JobStore } from './store.js';
import { readOutputPiece } from './utf8-output.js';

export const MAX_WAIT_S = 60;
const HOUR_MS = 3_600_000;
// A job the daemon lost (it died without ending it) counts as cancelled.
const LOST_CODE = codes.CANCELLED.code;
const INTERNAL_CODE = codes.INTERNAL.code;

export interface JobsOptions {
  stateDir: string;
  maxJobs: number; // running at once; 0 = unlimited
  retentionMs: number; // finished jobs older than this are deleted; 0 = kept for ever
  logger: Logger;
}

// What the road hands over to start a job: who, what, and how to run it.
export interface JobStart {
  owner: string;
  label: string;
  command: string; // cluster::name
  args: string[]; // already masked
  // Runs the command with output going to the sink; resolves with how it ended.
  run(job: { id: string; sink: OutputSink; onSpawn: (pid: number) => void; cancel: AbortSignal }): Promise<JobEnd>;
}

export interface JobEnd {
  state: Exclude<JobState, 'running' | 'lost'>;
  code: number;
  exitCode: number | null;
  signal: string | null;
  truncated: boolean;
}

export interface JobRead {
  job: JobView;
  output: string;
  nextOffset: number;
  done: boolean;
}

interface LiveJob {
  record: JobRecord;
  cancel: AbortController;
  changed: EventEmitter; // 'change' on new output and at the end
  ended: Promise<void>;
  writes: Promise<void>; // record writes, one after the other
}

export class Jobs {
  readonly store: JobStore;
  private readonly live = new Map<string, LiveJob>();
  private readonly idleEvents = new EventEmitter();
  private readonly released = new AbortController(); // ends every long-poll at shutdown
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: JobsOptions) {
    this.store = new JobStore(options.stateDir);
    this.idleEvents.setMaxListeners(0);
  }

  running(): number {
    return this.live.size;
  }

  // True when another job may start now (--max-jobs).
  hasRoom(): boolean {
    return this.options.maxJobs === 0 || this.live.size < this.options.maxJobs;
  }

  // At start: records left `running` by a daemon that died become `lost` and their process
  // groups are killed if still alive; then the retention sweep, and again every hour.
  async recover(): Promise<void> {
    await this.store.removeLeftovers();
    const orphans = (await this.store.readAll()).filter((record) => record.state === 'running');
    // In parallel: each group may take the SIGTERM grace to go.
    await Promise.all(orphans.map((record) => this.markLost(record)));
    await this.sweep();
    const every = this.options.retentionMs === 0 ? HOUR_MS : Math.min(HOUR_MS, Math.max(1000, this.options.retentionMs));
    this.sweepTimer = setInterval(() => void this.sweep().catch((error: unknown) => this.options.logger.error({ err: error }, 'job retention sweep failed')), every);
    this.sweepTimer.unref();
  }

  private async markLost(record: JobRecord): Promise<void> {
    let killed = false;
    if (record.pid !== null && record.pid_start !== null && (await jobGroupAlive(record.pid, record.pid_start))) {
      await killProcessGroup(record.pid);
      killed = true;
    }
    const ended_at = new Date().toISOString();
    await this.store.writeRecord({ ...record, state: 'lost', code: LOST_CODE, ended_at, output_bytes: await this.store.outputSize(record.job_id) });
    this.options.logger.warn({ job_id: record.job_id, key: record.key, command: record.command, pid: record.pid, killed }, 'job lost: the daemon stopped without ending it');
  }

  // Deletes finished jobs that ended longer ago than the retention.
  async sweep(now = Date.now()): Promise<number> {
    if (this.options.retentionMs === 0) return 0;
    let removed = 0;
    for (const record of await this.store.readAll()) {
      if (record.state === 'running' || this.live.has(record.job_id) || record.ended_at === null) continue;
      if (now - Date.parse(record.ended_at) < this.options.retentionMs) continue;
      await this.store.remove(record.job_id);
      removed += 1;
    }
    if (removed > 0) this.options.logger.info({ removed }, 'expired jobs deleted');
    return removed;
  }

  // Starts a job: its record and output file exist, and its process has been spawned (or has
  // failed to), when this resolves. `onEnd` is told once the final record is written.
  async start(start: JobStart, onEnd: (record: JobRecord, durationMs: number) => void): Promise<string> {
    // Counted before the first await, so two requests at once cannot both take the last place.
    if (!this.hasRoom()) throw new RelayError('BUSY', `${this.live.size} jobs are already running`);
    const id = newJobId();
    const record: JobRecord = {
      job_id: id,
      key: start.label,
      command: start.command,
      args: start.args,
      state: 'running',
      code: null,
      exit_code: null,
      signal: null,
      started_at: new Date().toISOString(),
      ended_at: null,
      output_bytes: 0,
      truncated: false,
      owner: start.owner,
      pid: null,
      pid_start: null,
    };
    let settle = (): void => {};
    const ended = new Promise<void>((resolve) => (settle = resolve));
    const job: LiveJob = { record, cancel: new AbortController(), changed: new EventEmitter(), ended, writes: Promise.resolve() };
    job.changed.setMaxListeners(0);
    this.live.set(id, job);
    let output: FileHandle | null = null;
    try {
      await this.store.ensure();
      output = await this.store.openOutput(id);
      await this.save(job);
    } catch (error) {
      this.live.delete(id);
      settle();
      if (this.live.size === 0) this.idleEvents.emit('idle');
      await output?.close().catch(() => {});
      throw error;
    }
    const opened = output;

    let spawned = (): void => {};
    const started = new Promise<void>((resolve) => (spawned = resolve));
    const startedAt = performance.now();
    const finished = start
      .run({
        id,
        sink: this.sinkFor(job, opened),
        onSpawn: (pid) => {
          job.record = { ...job.record, pid, pid_start: processStartTime(pid) };
          void this.save(job).then(spawned, spawned);
        },
        cancel: job.cancel.signal,
      })
      .then(
        (end) => this.end(job, opened, end),
        (error: unknown) => {
          this.options.logger.error({ job_id: id, err: error }, 'job failed inside the daemon');
          return this.end(job, opened, { state: 'failed', code: INTERNAL_CODE, exitCode: null, signal: null, truncated: false });
        },
      )
      .then(() => {
        spawned();
        settle();
        onEnd(job.record, Math.round(performance.now() - startedAt));
      });
    void finished;
    await started;
    return id;
  }

  // Record + output from offset; with waitMs, holds the answer until there is output past offset
  // or the job has ended. Null when the job is not this owner's (or does not exist).
  async read(id: string, owner: string, offset: number, waitMs: number, gone: StopSignal | null = null): Promise<JobRead | null> {
    const deadline = Date.now() + waitMs;
    let seen = offset; // output up to here is no news (it was there, or held back as incomplete)
    for (;;) {
      const job = this.live.get(id);
      if (job !== undefined && job.record.owner !== owner) return null;
      const left = deadline - Date.now();
      if (job !== undefined && left > 0 && job.record.output_bytes <= seen) await this.waitForChange(job, seen, left, gone);
      const record = this.live.get(id)?.record ?? (await this.store.readRecord(id));
      if (record === null || record.owner !== owner) return null;
      const final = record.state !== 'running';
      const piece = await readOutputPiece(this.store.outputPath(id), offset, final);
      const answer = { job: viewOf(record), output: piece.output, nextOffset: piece.nextOffset, done: final && piece.atEnd };
      // Only part of a character arrived: that is no news yet, wait on while time is left.
      const waitOn = piece.output === '' && !final && deadline - Date.now() > 0 && !this.released.signal.aborted && !(gone?.aborted ?? false);
      if (!waitOn || record.output_bytes <= seen) return answer;
      seen = record.output_bytes;
    }
  }

  // This owner's jobs, newest first.
  async list(owner: string): Promise<JobView[]> {
    const records = await this.store.readAll();
    const current = records.map((record) => this.live.get(record.job_id)?.record ?? record);
    return current
      .filter((record) => record.owner === owner)
      .sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : a.job_id < b.job_id ? 1 : -1))
      .map(viewOf);
  }

  // Kills a running job's group (SIGTERM, then SIGKILL) and resolves with its final record;
  // a job that has already ended is left as it is. Null when not this owner's.
  async cancel(id: string, owner: string): Promise<{ job: JobView; wasRunning: boolean } | null> {
    const job = this.live.get(id);
    if (job !== undefined) {
      if (job.record.owner !== owner) return null;
      job.cancel.abort();
      await job.ended;
      return { job: viewOf(job.record), wasRunning: true };
    }
    const record = await this.store.readRecord(id);
    if (record === null || record.owner !== owner) return null;
    return { job: viewOf(record), wasRunning: false };
  }

  // Ends every long-poll at once (shutdown): their answers go out with what there is.
  releaseWaiters(): void {
    this.released.abort();
  }

  // Resolves true once no job is running, or false when timeoutMs passes or `cut` aborts first.
  async idle(timeoutMs: number | null, cut?: AbortSignal): Promise<boolean> {
    return this.live.size === 0 || waitForEvent(this.idleEvents, 'idle', timeoutMs, cut);
  }

  close(): void {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  // Appends output to the file as it comes; the command's pipes wait for each write.
  private sinkFor(job: LiveJob, output: FileHandle): OutputSink {
    let failed = false;
    return async (chunk) => {
      if (failed) return;
      try {
        await output.write(chunk);
      } catch (error) {
        failed = true;
        this.options.logger.error({ job_id: job.record.job_id, err: error }, 'job output could not be written; the rest is dropped');
        return;
      }
      job.record = { ...job.record, output_bytes: job.record.output_bytes + chunk.length };
      job.changed.emit('change');
    };
  }

  // The final record is written before anyone is told: a client that sees `done` finds it on disk.
  private async end(job: LiveJob, output: FileHandle, end: JobEnd): Promise<void> {
    await output.close().catch(() => {});
    const final: JobRecord = {
      ...job.record,
      state: end.state,
      code: end.code,
      exit_code: end.exitCode,
      signal: end.signal,
      truncated: end.truncated,
      ended_at: new Date().toISOString(),
    };
    try {
      await this.save(job, final);
    } catch (error) {
      this.options.logger.error({ job_id: final.job_id, err: error }, 'job record could not be written');
    }
    job.record = final;
    this.live.delete(final.job_id);
    job.changed.emit('change');
    if (this.live.size === 0) this.idleEvents.emit('idle');
  }

  // Queues a write of a record of the job (by default as it is now), after the ones before it.
  private save(job: LiveJob, record: JobRecord = job.record): Promise<void> {
    const write = job.writes.then(() => this.store.writeRecord(record));
    job.writes = write.catch(() => {});
    return write;
  }

  private async waitForChange(job: LiveJob, offset: number, waitMs: number, gone: StopSignal | null): Promise<void> {
    // The client's StopSignal (no AbortSignal: the door keeps none per request) ends the wait too.
    const clientGone = new AbortController();
    const onGone = (): void => clientGone.abort();
    if (gone?.aborted) onGone();
    else gone?.addEventListener('abort', onGone, { once: true });
    const signal = AbortSignal.any([AbortSignal.timeout(waitMs), this.released.signal, clientGone.signal]);
    try {
      while (job.record.output_bytes <= offset && this.live.has(job.record.job_id) && !signal.aborted) await once(job.changed, 'change', { signal });
    } catch {
      // the wait is over: timed out, released at shutdown, or the client went away
    } finally {
      gone?.removeEventListener('abort', onGone);
    }
  }
}
