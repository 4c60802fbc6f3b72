// The agents' registry (KV `uscmdrelay_agents`): agents started with --queue put their name and
// public key there; `send --queue` expands its target pattern against it; `agents` lists it.
import { FLEET_VERSION } from '../envelope.js';
import type { KV } from '@nats-io/kv';
import { matchesTarget } from '../target.js';
import { decodeRegistration } from './decode.js';
import type { AgentRegistration } from './envelope.js';

// Writes (or refreshes) this agent's entry.
export async function registerAgent(registry: KV, name: string, publicKey: string, now = Date.now()): Promise<AgentRegistration> {
  const entry: AgentRegistration = { v: FLEET_VERSION, name, public_key: publicKey, registered_at: now };
  await registry.put(name, JSON.stringify(entry));
  return entry;
}

// Every registered agent, sorted by name; entries that are not registrations are skipped.
export async function listAgents(registry: KV): Promise<AgentRegistration[]> {
  const names: string[] = [];
  for await (const key of await registry.keys()) names.push(key);
  const agents: AgentRegistration[] = [];
  for (const name of names.sort()) {
    const entry = await registry.get(name);
    if (entry === null || entry.operation !== 'PUT') continue;
    const registration = decodeRegistration(entry.value);
    if (registration !== null && registration.name === name) agents.push(registration);
  }
  return agents;
}

// The registered agents a target pattern aims at.
export function expandTarget(pattern: string, agents: readonly AgentRegistration[]): AgentRegistration[] {
  return agents.filter((agent) => matchesTarget(pattern, agent.name));
}
