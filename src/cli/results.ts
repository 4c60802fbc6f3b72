// `uscmdrelay results REQUEST_ID` (SPEC 9.1): the answers of a queued request that are in, in
// `send`'s formats and with its exit rule, and the targets still pending, started or expired.
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_OUTPUT_FORMAT, formatRows, isRequestId, OUTPUT_FORMATS, readQueueResults, readTrustFile, type OutputFormat, type ResultsReport } from '../fleet/index.js';
import type { GlobalOptions } from './options.js';
import { withBrokerFlags } from './broker-flags.js';
import { connectOrExit, durationOrExit, type BrokerFlags } from './fleet-support.js';
import { exitWith, exits, sendExitStatus } from './exits.js';

interface ResultsFlags extends GlobalOptions, BrokerFlags {
  id: string;
  wait: string;
  agents?: string | undefined;
  format: OutputFormat;
}

export const resultsCommand: CommandModule<GlobalOptions, ResultsFlags> = {
  command: 'results <id>',
  describe: 'the answers of a request queued with send --queue, and its targets still pending or expired',
  builder: (y: Argv<GlobalOptions>) =>
    withBrokerFlags(y)
      .positional('id', { type: 'string', demandOption: true, describe: 'the request id send --queue printed' })
      .option('wait', { type: 'string', default: '0', describe: 'wait up to DURATION until every target has answered or expired' })
      .option('agents', { type: 'string', describe: 'FILE of "NAME PUBLIC_KEY" lines to check answers with (default: the registry\'s keys)' })
      .option('format', { choices: OUTPUT_FORMATS, default: DEFAULT_OUTPUT_FORMAT, describe: 'output' }),
  handler: async (argv) => {
    const id = String(argv.id);
    if (!isRequestId(id)) exitWith(exits.USAGE, `not a request id: ${id} (24 hexadecimal digits)`);
    const waitMs = durationOrExit('wait', argv.wait);
    const warn = (message: string): void => void process.stderr.write(`uscmdrelay: ${message}\n`);
    let trusted: Map<string, string> | null = null;
    try {
      if (argv.agents !== undefined) trusted = readTrustFile(argv.agents);
    } catch (error) {
      exitWith(exits.USAGE, (error as Error).message);
    }
    const connection = await connectOrExit(argv, 'uscmdrelay results', exits.USAGE);
    let report: ResultsReport | null = null;
    try {
      report = await readQueueResults({ connection, id, waitMs, trusted, onDropped: (agent, reason) => warn(`dropped a record from ${agent}: ${reason}`) });
    } catch (error) {
      exitWith(exits.USAGE, `cannot read results: ${(error as Error).message}`);
    } finally {
      await connection.close();
    }
    if (report === null) exitWith(exits.USAGE, `no queued request ${id} (never queued, or older than the result retention)`);
    if (!report.manifestVerified) warn(`the manifest of ${id} is not validly signed by its sender`);
    process.stdout.write(formatRows(report.rows, argv.format));
    process.exit(sendExitStatus(report.rows, null));
  },
};
