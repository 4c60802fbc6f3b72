// Every subcommand of the uscmdrelay CLI, in the order --help lists them.
// Each file under src/cli/ exports one yargs CommandModule; add new ones here.
import type { Argv } from 'yargs';
import { serveCommand } from './serve.js';
import { configtestCommand } from './configtest.js';
import { callCommand } from './call.js';
import { listCommand } from './list.js';
import { jobCommand, jobsCommand } from './job.js';
import { keyCommand } from './key.js';
import { agentCommand } from './agent.js';
import { sendCommand } from './send.js';
import { signalCommand } from './signal.js';
import { waitCommand } from './wait.js';
import { keygenCommand } from './keygen.js';
import type { GlobalOptions } from './options.js';

// Registered one by one so each module keeps its own option types (an array would need `any`).
export function withCommands(y: Argv<GlobalOptions>): Argv<GlobalOptions> {
  return y
    .command(serveCommand)
    .command(configtestCommand)
    .command(callCommand)
    .command(listCommand)
    .command(jobCommand)
    .command(jobsCommand)
    .command(keyCommand)
    .command(agentCommand)
    .command(sendCommand)
    .command(signalCommand)
    .command(waitCommand)
    .command(keygenCommand);
}
