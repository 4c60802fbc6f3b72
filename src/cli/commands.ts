// Every subcommand of the uscmdrelay CLI, in the order --help lists them.
// Each file under src/cli/ exports one yargs CommandModule; add new ones here.
import type { CommandModule } from 'yargs';
import { serveCommand } from './serve.js';
import { configtestCommand } from './configtest.js';
import { callCommand } from './call.js';
import { listCommand } from './list.js';
import { keyCommand } from './key.js';
import { agentCommand } from './agent.js';
import { sendCommand } from './send.js';
import { signalCommand } from './signal.js';
import { waitCommand } from './wait.js';
import { keygenCommand } from './keygen.js';

// yargs' CommandModule is generic over the parsed options; the list holds modules of many shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

export const commands: AnyCommand[] = [serveCommand, configtestCommand, callCommand, listCommand, keyCommand, agentCommand, sendCommand, signalCommand, waitCommand, keygenCommand];
