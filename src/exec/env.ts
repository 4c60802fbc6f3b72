// The command's whole environment (SPEC 5.1): nothing of the daemon's leaks unless named here.
import type { CommandSpec } from '../config/index.js';
import { accountVariables } from './account-env.js';
import type { RunMeta } from './types.js';

// The only variables always taken from the daemon's own environment.
const INHERITED = ['PATH', 'LANG'] as const;
const ACCOUNT_VARIABLES = ['HOME', 'USER', 'LOGNAME', 'SHELL'] as const;

// The variables that tell the command about its request.
type RequestVariable = (meta: RunMeta) => string;
const REQUEST_VARIABLES: ReadonlyArray<readonly [string, RequestVariable]> = [
  ['USCMDRELAY_REQUEST_ID', (meta) => meta.requestId],
  ['USCMDRELAY_KEY', (meta) => meta.keyLabel],
  ['USCMDRELAY_CLUSTER', (meta) => meta.cluster],
  ['USCMDRELAY_COMMAND', (meta) => meta.command],
  ['REMOTE_ADDR', (meta) => meta.remoteAddress],
  ['REMOTE_PORT', (meta) => String(meta.remotePort)],
];

// A command's environment with the request's variables still to fill in: `base` holds every
// variable in its final place (a request's variable as '' until filled), `slots` which of them
// a run fills in.
interface EnvironmentTemplate {
  base: Readonly<Record<string, string>>;
  slots: ReadonlyArray<readonly [string, RequestVariable]>;
}

// Worked out once per command of a configuration snapshot (a reload makes new commands): the
// daemon's own environment and the account's variables do not change while it runs, and reading
// process.env goes through a getenv() each time.
const templates = new WeakMap<CommandSpec, EnvironmentTemplate>();

// Builds the environment: PATH and LANG, HOME/USER/LOGNAME/SHELL of the user it runs as, the
// request's variables, the command's `env`, then its `pass_env` names; a later entry overrides
// an earlier one of the same name and keeps its place. A run copies the template's object (one
// copy of a known shape) and fills in the request's variables, which keep their places.
export function buildEnvironment(command: CommandSpec, meta: RunMeta): Record<string, string> {
  let template = templates.get(command);
  if (template === undefined) templates.set(command, (template = environmentTemplate(command)));
  const env = { ...template.base };
  for (const [name, variable] of template.slots) env[name] = variable(meta);
  return env;
}

function environmentTemplate(command: CommandSpec): EnvironmentTemplate {
  const env = new Map<string, string | RequestVariable>();
  for (const name of INHERITED) copyIfSet(env, name);
  const account = accountVariables(command.uid);
  if (account !== null) for (const name of ACCOUNT_VARIABLES) env.set(name, account[name]);
  for (const [name, variable] of REQUEST_VARIABLES) env.set(name, variable);
  for (const [name, value] of command.env) env.set(name, value);
  for (const name of command.passEnv) copyIfSet(env, name);
  const slots: Array<readonly [string, RequestVariable]> = [];
  for (const [name, value] of env) if (typeof value !== 'string') slots.push([name, value]);
  // fromEntries defines own properties, so a variable named `__proto__` stays just a name (and
  // the copy's spread defines them too). The request's variables, the slots, are not so named.
  const base = Object.fromEntries([...env].map(([name, value]) => [name, typeof value === 'string' ? value : '']));
  return { base, slots };
}

function copyIfSet(env: Map<string, string | RequestVariable>, name: string): void {
  const value = Object.hasOwn(process.env, name) ? process.env[name] : undefined;
  if (value !== undefined) env.set(name, value);
}
