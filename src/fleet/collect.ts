// The sender's side of collection (SPEC 9): acks and responses for one request, checked
// against `--agents` when given, folded into one row per agent.
import type { RelayResponse } from '../protocol/index.js';
import type { ReplyEnvelope } from './envelope.js';
import { verifyBody } from './sign.js';
import { matchesTarget } from './target.js';

export type FleetRow =
  | { agent: string; state: 'answered'; response: RelayResponse; verified: boolean }
  | { agent: string; state: 'missing'; acked: boolean; verified: boolean; queue?: QueueNote };

// Why a target of a queued request (SPEC 9.1) has no answer: `status` replaces "missing" in the
// output (pending, expired, started, missing) and `message` says what happened to the copy.
export interface QueueNote {
  status: string;
  message: string;
}

export type ReplyVerdict = 'ack' | 'answer' | 'duplicate' | { dropped: string };

export interface CollectorOptions {
  nonce: string; // the request's; replies to anything else are not ours
  to: string;
  trusted: ReadonlyMap<string, string> | null; // --agents: name -> public key
}

const byAgent = (a: FleetRow, b: FleetRow): number => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0);

const isResponse = (value: RelayResponse): boolean =>
  typeof value.code === 'number' && typeof value.message === 'string' && typeof value.status === 'string';

export class ReplyCollector {
  private readonly acked = new Map<string, boolean>(); // agent -> verified
  private readonly answers = new Map<string, { response: RelayResponse; verified: boolean }>();
  // Agents of --agents that the target aims at: a silent one is reported missing.
  private readonly expected: readonly string[];

  constructor(private readonly options: CollectorOptions) {
    this.expected = options.trusted ? [...options.trusted.keys()].filter((name) => matchesTarget(options.to, name)) : [];
  }

  // Takes one reply; forged or foreign ones are dropped with the reason.
  accept(envelope: ReplyEnvelope): ReplyVerdict {
    if (envelope.nonce !== this.options.nonce) return { dropped: 'reply to another request' };
    const verified = this.check(envelope);
    if (typeof verified === 'object') return verified;
    if (envelope.type === 'ack') {
      if (this.acked.has(envelope.agent)) return 'duplicate';
      this.acked.set(envelope.agent, verified);
      return 'ack';
    }
    if (!isResponse(envelope.response)) return { dropped: 'malformed response' };
    if (this.answers.has(envelope.agent)) return 'duplicate';
    this.answers.set(envelope.agent, { response: envelope.response, verified });
    if (!this.acked.has(envelope.agent)) this.acked.set(envelope.agent, verified);
    return 'answer';
  }

  private check(envelope: ReplyEnvelope): boolean | { dropped: string } {
    const trusted = this.options.trusted;
    if (trusted === null) return false;
    const key = trusted.get(envelope.agent);
    if (key === undefined) return { dropped: 'agent not in --agents' };
    return verifyBody(envelope, key) ? true : { dropped: 'bad signature' };
  }

  answered(): number {
    return this.answers.size;
  }

  // Done when `expect` answers are in, or else when the ack window is over and every agent that
  // acknowledged (and every --agents name the target aims at) has answered.
  isComplete(expect: number | null, ackWindowOver: boolean): boolean {
    if (expect !== null) return this.answers.size >= expect;
    if (!ackWindowOver) return false;
    for (const agent of this.acked.keys()) if (!this.answers.has(agent)) return false;
    return this.expected.every((agent) => this.answers.has(agent));
  }

  // Agents that acknowledged and have not answered (yet).
  running(): string[] {
    return [...this.acked.keys()].filter((agent) => !this.answers.has(agent)).sort();
  }

  // One row per agent, sorted by name: answers, then the acknowledged or expected silent ones.
  // With `answersOnly` (--expect was met) the agents still running are no failure: no rows.
  rows(answersOnly = false): FleetRow[] {
    const rows: FleetRow[] = [];
    for (const [agent, { response, verified }] of this.answers) rows.push({ agent, state: 'answered', response, verified });
    if (answersOnly) return rows.sort(byAgent);
    for (const [agent, verified] of this.acked) {
      if (!this.answers.has(agent)) rows.push({ agent, state: 'missing', acked: true, verified });
    }
    for (const agent of this.expected) {
      if (!this.acked.has(agent)) rows.push({ agent, state: 'missing', acked: false, verified: false });
    }
    return rows.sort(byAgent);
  }
}
