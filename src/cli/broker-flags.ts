// The broker flags every fleet command takes: agent, send, signal, wait.
import type { Argv } from 'yargs';
import { type BrokerFlags } from './fleet-support.js';

// Adds --nats (required) and --nats-creds.
export function withBrokerFlags<T>(y: Argv<T>): Argv<T & BrokerFlags> {
  return y
    .option('nats', { type: 'string', demandOption: true, describe: 'broker URL[,URL…] (members of one NATS cluster)' })
    .option('nats-creds', { type: 'string', describe: 'NATS credentials file' });
}
