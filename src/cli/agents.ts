// `uscmdrelay agents` (SPEC 9.1): the registry of agents started with --queue, which is what
// `send --queue --to PATTERN` expands against.
import type { Argv, CommandModule } from 'yargs';
import { jetstreamManager } from '@nats-io/jetstream';
import { listAgents, matchesTarget, openRegistry, targetPatternProblem, type AgentRegistration } from '../fleet/index.js';
import type { GlobalOptions } from './options.js';
import { withBrokerFlags } from './broker-flags.js';
import { connectOrExit, type BrokerFlags } from './fleet-support.js';
import { exits, exitWith } from './exits.js';

interface AgentsFlags extends GlobalOptions, BrokerFlags {
  to: string;
  format: 'table' | 'json' | 'keys';
}

function render(agents: readonly AgentRegistration[], format: AgentsFlags['format']): string {
  if (format === 'json') return agents.map((agent) => `${JSON.stringify({ name: agent.name, public_key: agent.public_key, registered_at: new Date(agent.registered_at).toISOString() })}\n`).join('');
  // The --agents / --trust file format.
  if (format === 'keys') return agents.map((agent) => `${agent.name} ${agent.public_key}\n`).join('');
  const rows = [['NAME', 'PUBLIC_KEY', 'REGISTERED'], ...agents.map((agent) => [agent.name, agent.public_key, new Date(agent.registered_at).toISOString()])];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => `${(row[0] ?? '').padEnd(widths[0] ?? 0)}  ${(row[1] ?? '').padEnd(widths[1] ?? 0)}  ${row[2] ?? ''}\n`).join('');
}

export const agentsCommand: CommandModule<GlobalOptions, AgentsFlags> = {
  command: 'agents',
  describe: 'list the agents registered for the durable queue (agent --queue)',
  builder: (y: Argv<GlobalOptions>) =>
    withBrokerFlags(y)
      .option('to', { type: 'string', default: 'ALL', describe: 'only those a target pattern aims at' })
      .option('format', { choices: ['table', 'json', 'keys'] as const, default: 'table' as const, describe: 'output; keys = "NAME PUBLIC_KEY" lines (an --agents file)' }),
  handler: async (argv) => {
    const problem = targetPatternProblem(argv.to);
    if (problem !== null) exitWith(exits.USAGE, `--to: ${problem}`);
    const connection = await connectOrExit(argv, 'uscmdrelay agents', exits.USAGE);
    let agents: AgentRegistration[] = [];
    try {
      const registry = await openRegistry(await jetstreamManager(connection));
      if (registry !== null) agents = (await listAgents(registry)).filter((agent) => matchesTarget(argv.to, agent.name));
    } catch (error) {
      exitWith(exits.USAGE, `cannot read the registry: ${(error as Error).message}`);
    } finally {
      await connection.close();
    }
    process.stdout.write(render(agents, argv.format));
  },
};
