// The command's whole environment (SPEC 5.1): nothing of the daemon's leaks unless named here.
import type { CommandSpec } from '../config/index.js';
import { accountVariables, type AccountVariables } from './account-env.js';
import type { RunMeta } from './types.js';

// The only variables always taken from the daemon's own environment.
const INHERITED = ['PATH', 'LANG'] as const;
const ACCOUNT_VARIABLES = ['HOME', 'USER', 'LOGNAME', 'SHELL'] as const;

// Builds the environment: PATH and LANG, HOME/USER/LOGNAME/SHELL of the user it runs as, the
// request's variables, the command's `env`, then its `pass_env` names; a later entry overrides
// an earlier one of the same name.
export function buildEnvironment(
  command: CommandSpec,
  meta: RunMeta,
  daemonEnv: NodeJS.ProcessEnv = process.env,
  account: AccountVariables | null = accountVariables(command.uid),
): Record<string, string> {
  const env = new Map<string, string>();
  for (const name of INHERITED) copyIfSet(env, daemonEnv, name);
  if (account !== null) for (const name of ACCOUNT_VARIABLES) env.set(name, account[name]);
  env.set('USCMDRELAY_REQUEST_ID', meta.requestId);
  env.set('USCMDRELAY_KEY', meta.keyLabel);
  env.set('USCMDRELAY_CLUSTER', meta.cluster);
  env.set('USCMDRELAY_COMMAND', meta.command);
  env.set('REMOTE_ADDR', meta.remoteAddress);
  env.set('REMOTE_PORT', String(meta.remotePort));
  for (const [name, value] of command.env) env.set(name, value);
  for (const name of command.passEnv) copyIfSet(env, daemonEnv, name);
  // fromEntries defines own properties, so a variable named `__proto__` stays just a name.
  return Object.fromEntries(env);
}

function copyIfSet(env: Map<string, string>, from: NodeJS.ProcessEnv, name: string): void {
  const value = Object.hasOwn(from, name) ? from[name] : undefined;
  if (value !== undefined) env.set(name, value);
}
