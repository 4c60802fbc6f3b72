// Test doubles for the fleet door: a snapshot that knows some signers, a relay that records what
// it ran, and a logger whose lines the test can read.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { ConfigSnapshot, KeyEntry } from '../../../src/config/index.js';
import type { Logger } from '../../../src/log/index.js';
import type { RelayResponse } from '../../../src/protocol/index.js';
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
  body: Record<string, unknown>;
  caller: Caller;
}

// Answers `echo` with its arguments, `fail` with 3001, `sleep` after arguments[0] ms; records runs.
export function recordingRelay(agent: string, runs: RecordedRun[] = []): Pick<Relay, 'handle'> & { runs: RecordedRun[] } {
  return {
    runs,
    async handle(body, caller) {
      const parsed = JSON.parse(String(body)) as { command: string; arguments?: string[] };
      runs.push({ body: parsed, caller });
      const args = parsed.arguments ?? [];
      const base: RelayResponse = { status: 'ok', message: '', code: 0, exit_code: 0, signal: null, duration_ms: 1, request_id: `${agent}-${runs.length}` };
      if (parsed.command === 'test::sleep') await new Promise((resolve) => setTimeout(resolve, Number(args[0] ?? 0)));
      if (parsed.command === 'test::fail') return { ...base, status: 'error', code: 3001, exit_code: 1, message: `${agent} failed` };
      return { ...base, message: [agent, ...args].join(' ') };
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
