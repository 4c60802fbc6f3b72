// The configuration snapshot: one immutable value built from auth.conf and relays.conf.
// SIGHUP builds a new one and swaps the reference; a request keeps the one it started with.
import type { BlockList } from 'node:net';
import type { CommandSettings } from './command-options.js';

// Daemon-wide defaults that per-command options override (SPEC 1, 5.2).
export interface DaemonDefaults {
  timeoutMs: number; // 0 = no limit
  maxOutput: number; // bytes of stdout+stderr kept
  shellExec: boolean;
}

// How many client arguments a command accepts: `none` = {0,0}, `any` = {0,null}, `N` = {0,N}.
export interface ArgsPolicy {
  min: number;
  max: number | null;
}

export type PayloadMode = 'none' | 'stdin' | 'file';
export type DisconnectPolicy = 'continue' | 'kill';

// Where a setting came from, for error messages and logs.
export interface ConfigOrigin {
  file: string;
  section: string;
}

// One runnable command: where it was defined, and every option of command-options.ts's table
// resolved against the daemon defaults (argv, description, timeoutMs, …, onDisconnect).
export interface CommandSpec extends CommandSettings {
  cluster: string;
  name: string;
  line: string; // the configured command line, verbatim (argv is it split like Python's shlex.split)
  origin: ConfigOrigin;
}

// One section of auth.conf.
export interface KeyEntry {
  label: string; // section name (hashed form) or `sha256:` + 12 hex digits (original form)
  description: string;
  keyHash: Buffer | null; // SHA-256 of the key; null for signer-only entries
  publicKey: string | null; // ed25519 public key of a fleet sender (SPEC 9)
  clusters: '*' | ReadonlySet<string>;
  allowFrom: BlockList | null; // null = any address
  origin: ConfigOrigin;
}

export interface ConfigSnapshot {
  keys: readonly KeyEntry[];
  // cluster name -> command name -> spec. Maps, never plain objects: `__proto__` is just a name.
  clusters: ReadonlyMap<string, ReadonlyMap<string, CommandSpec>>;
  files: readonly string[]; // every file that was read, in order
}

// One thing wrong with the configuration; `configtest` prints each on its own line.
export interface ConfigProblem {
  file?: string;
  line?: number;
  section?: string;
  option?: string;
  message: string;
}
