// `uscmdrelay job ID [--follow | --cancel]` and `uscmdrelay jobs` (SPEC 10): a detached job's
// record, its output as it comes with the command's exit status, and this key's jobs.
import type { CommandModule } from 'yargs';
import { cancelJob, exitStatusFor, followJob, getJob, jobOutcome, listJobs, type JobOptions } from '../client/index.js';
import { codes, type JobView, type RelayResponse } from '../protocol/index.js';
import { connectionFromFlags, exitQuietlyOnClosedPipe, reportNoAnswer, usageError, withConnectionFlags, type ConnectionFlags } from './call.js';
import type { GlobalOptions } from './options.js';

interface JobFlags extends ConnectionFlags {
  id: string;
  follow: boolean;
  cancel: boolean;
  offset: number;
}

const FIELDS: readonly (keyof JobView)[] = ['job_id', 'key', 'command', 'args', 'state', 'code', 'exit_code', 'signal', 'started_at', 'ended_at', 'output_bytes', 'truncated'];

async function write(stream: NodeJS.WriteStream, data: string): Promise<void> {
  if (data !== '' && !stream.write(data)) await new Promise((resolve) => stream.once('drain', resolve));
}

// One `field  value` line per field of the record.
function formatRecord(job: JobView): string {
  const width = Math.max(...FIELDS.map((field) => field.length));
  return FIELDS.map((field) => {
    const value = job[field];
    return `${field.padEnd(width)}  ${typeof value === 'string' ? value : JSON.stringify(value)}\n`;
  }).join('');
}

// A refusal (2006, 1000, …): code and message on stderr, call's status.
function refused(response: RelayResponse): boolean {
  if (response.code === codes.OK.code) return false;
  process.stderr.write(`uscmdrelay: error ${response.code}: ${response.message}\n`);
  process.exitCode = exitStatusFor(response);
  return true;
}

async function follow(options: JobOptions & { offset: number }, json: boolean): Promise<void> {
  for await (const event of followJob(options)) {
    if (json) {
      if (event.raw !== null) await write(process.stdout, `${event.raw}\n`);
      if (event.event === 'output') continue;
    } else if (event.event === 'output') {
      await write(process.stdout, event.data);
      continue;
    }
    const response = event.response;
    if (json) {
      process.exitCode = response.code === codes.OK.code && response.job ? exitStatusFor(jobOutcome(response.job)) : exitStatusFor(response);
      return;
    }
    if (refused(response) || !response.job) return;
    const outcome = jobOutcome(response.job);
    // The command's own failure speaks through its status (and its output); the relay's
    // stopping it (time limit, cap, cancel, lost) is said on stderr, as `call` says it.
    if (![codes.OK.code, codes.EXIT_NONZERO.code, codes.KILLED_BY_SIGNAL.code].some((code) => code === outcome.code)) {
      process.stderr.write(`uscmdrelay: job ${response.job.state} (code ${outcome.code})\n`);
    }
    if (response.job.truncated) process.stderr.write("uscmdrelay: output was truncated at the relay's cap\n");
    process.exitCode = exitStatusFor(outcome);
  }
}

export const jobCommand: CommandModule<GlobalOptions, JobFlags> = {
  command: 'job <id>',
  describe: "a detached job's record; --follow prints its output and exits with its status",
  builder: (y) =>
    withConnectionFlags(y)
      .positional('id', { type: 'string', demandOption: true, describe: 'the job id `call --detach` printed' })
      .option('follow', { type: 'boolean', default: false, describe: "print the output as it comes; exit with the command's status" })
      .option('cancel', { type: 'boolean', default: false, describe: 'kill the running job (its whole process group)' })
      .option('offset', { type: 'number', default: 0, describe: 'with --follow: start at this byte of the output' }),
  handler: async (argv) => {
    exitQuietlyOnClosedPipe();
    if (argv.follow && argv.cancel) usageError('--follow and --cancel do not go together');
    const offset: unknown = argv.offset;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) usageError('--offset must be one whole number ≥ 0');
    const options = { ...connectionFromFlags(argv), jobId: String(argv.id) };
    try {
      if (argv.follow) return await follow({ ...options, offset }, argv.json);
      const response = argv.cancel ? await cancelJob(options) : await getJob(options);
      if (argv.json) {
        const { output: _output, next_offset: _next, done: _done, ...record } = response;
        await write(process.stdout, `${JSON.stringify(record)}\n`);
        process.exitCode = exitStatusFor(response);
        return;
      }
      if (refused(response) || !response.job) return;
      await write(process.stdout, formatRecord(response.job));
    } catch (error) {
      process.exitCode = reportNoAnswer(error);
    }
  },
};

export const jobsCommand: CommandModule<GlobalOptions, ConnectionFlags> = {
  command: 'jobs',
  describe: 'list the detached jobs of your key, newest first',
  builder: (y) => withConnectionFlags(y),
  handler: async (argv) => {
    exitQuietlyOnClosedPipe();
    const options = connectionFromFlags(argv);
    try {
      const response = await listJobs(options);
      if (argv.json) {
        await write(process.stdout, `${JSON.stringify(response)}\n`);
        process.exitCode = exitStatusFor(response);
        return;
      }
      if (refused(response)) return;
      for (const job of response.jobs ?? []) {
        const code = job.code === null ? '-' : String(job.code);
        await write(process.stdout, `${job.job_id}  ${job.state.padEnd(10)}  ${code.padStart(4)}  ${job.started_at}  ${job.command}\n`);
      }
    } catch (error) {
      process.exitCode = reportNoAnswer(error);
    }
  },
};
