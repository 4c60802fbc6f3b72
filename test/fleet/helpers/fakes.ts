// Test doubles for the fleet door: a snapshot that knows some signers, a relay that records what
// it ran, and a logger whose lines the test can read.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { ConfigSnapshot, KeyEntry } from '../../../src/config/index.js';
import type { Logger } from '../../../src/log/index.js';
import type { Credential } from '../../../src/auth/index.js';
import { RelayError, type RelayResponse, type RoadRequest } from '../../../src/protocol/index.js';
import type { Caller, Relay } from '../../../src/relay/index.js';

export function signerEntry(label: string, publicKey: string): KeyEntry {
  return {
    label,
    description: '',
    keyHash: null,
    publicKey,
    clusters: '*',
    allowFrom: null,
    origin: { file: 'auth.conf', section: label },
  };
}

export function snapshotWithSigners(...publicKeys: string[]): ConfigSnapshot {
  return {
    keys: publicKeys.map((key, index) => signerEntry(`signer${index}`, key)),
    clusters: new Map(),
    files: [],
  };
}

export interface RecordedRun {
  request: RoadRequest;
  credential: Credential;
  caller: Caller;
  snapshot: ConfigSnapshot | undefined; // the one the agent's admission read
}

// Answers `echo` with its arguments, `fail` with 3001, `sleep` after arguments[0] ms; records runs.
// A request the agent could not read is answered with its refusal's code, and not recorded.
export function recordingRelay(agent: string, runs: RecordedRun[] = []): Pick<Relay, 'handle' | 'reject'> & { runs: RecordedRun[] } {
  const answer = (fields: Partial<RelayResponse>): RelayResponse => ({ status: 'ok', message: '', code: 0, exit_code: 0, signal: null, duration_ms: 1, request_id: `${agent}-${runs.length}`, ...fields });
  return {
    runs,
    async handle({ request, credential, caller, snapshot }) {
      runs.push({ request, credential, caller, snapshot });
      const args = request.arguments;
      if (request.command === 'test::sleep') await new Promise((resolve) => setTimeout(resolve, Number(args[0] ?? 0)));
      if (request.command === 'test::fail') return answer({ status: 'error', code: 3001, exit_code: 1, message: `${agent} failed` });
      return answer({ message: [agent, ...args].join(' ') });
    },
    reject(refusal) {
      const error = refusal instanceof RelayError ? refusal : new RelayError('INTERNAL');
      return answer({ status: 'error', code: error.code, exit_code: null, message: error.message });
    },
  };
}

export interface CapturedLog {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
}

export function captureLog(): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

// Resolves when `predicate` holds, polling; rejects after `timeoutMs`.
export async function eventually(predicate: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
