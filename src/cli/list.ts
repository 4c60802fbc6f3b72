// `uscmdrelay list` (SPEC 7.2): the commands this key may run, with their descriptions.
import type { CommandModule } from 'yargs';
import { exitStatusFor, list, listLines } from '../client/index.js';
import { connectionFromFlags, exitQuietlyOnClosedPipe, reportNoAnswer, withConnectionFlags, type ConnectionFlags } from './call.js';
import { codes } from '../protocol/index.js';
import type { GlobalOptions } from './options.js';

export const listCommand: CommandModule<GlobalOptions, ConnectionFlags> = {
  command: 'list',
  describe: 'list the commands your key may run on a relay',
  builder: (y) => withConnectionFlags(y),
  handler: async (argv) => {
    exitQuietlyOnClosedPipe();
    const options = connectionFromFlags(argv);
    try {
      if (argv.json) {
        for await (const line of listLines(options)) {
          process.stdout.write(`${line.raw}\n`);
          if ('code' in line.message) process.exitCode = exitStatusFor(line.message);
        }
        return;
      }
      const { response, commands } = await list(options);
      if (response.code !== codes.OK.code) {
        process.stderr.write(`uscmdrelay: error ${response.code}: ${response.message}\n`);
        process.exitCode = exitStatusFor(response);
        return;
      }
      // Two columns, as remctl's `help` lists them; a description is optional.
      const width = Math.max(0, ...commands.map((entry) => entry.command.length));
      for (const entry of commands) {
        process.stdout.write(entry.description ? `${entry.command.padEnd(width)}  ${entry.description}\n` : `${entry.command}\n`);
      }
    } catch (error) {
      process.exitCode = reportNoAnswer(error);
    }
  },
};
