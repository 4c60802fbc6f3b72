// The files the CLI hands to the library: the key (from a file or USCMDRELAY_KEY, never a flag:
// a flag shows in `ps` and in shell history), PEM files for TLS and the payload source.
import { readFileSync, statSync } from 'node:fs';
import { accessibleByGroupOrOthers } from '../config/index.js';
import type { ClientTlsOptions } from './types.js';

export interface KeySource {
  key: string;
  warnings: string[]; // for the CLI to print on stderr
}

// The key from keyFile when given, else from env; throws an Error saying what to do when neither.
export function readClientKey(keyFile: string | undefined, env: NodeJS.ProcessEnv): KeySource {
  if (keyFile === undefined || keyFile === '') {
    const key = env.USCMDRELAY_KEY;
    if (key === undefined || key === '') throw new Error('no key: give --key-file FILE or set USCMDRELAY_KEY');
    return { key, warnings: [] };
  }
  const warnings: string[] = [];
  const mode = statSync(keyFile).mode;
  if (accessibleByGroupOrOthers(mode)) {
    const shown = (mode & 0o777).toString(8).padStart(3, '0');
    warnings.push(`warning: key file ${keyFile} is accessible by group or others (mode ${shown}); run chmod 600 ${keyFile}`);
  }
  // One key per file; the line end an editor adds is not part of it.
  const key = readFileSync(keyFile, 'utf8').replace(/\r?\n$/u, '');
  if (key.trim() === '') throw new Error(`no key in ${keyFile}`);
  return { key, warnings };
}

export interface TlsFiles {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  servername?: string | undefined;
}

// Reads the PEM files named; the system's CAs are used when no CA file is given.
export function readTlsFiles(files: TlsFiles): ClientTlsOptions {
  const tls: ClientTlsOptions = {};
  if (files.ca) tls.ca = readFileSync(files.ca);
  if (files.cert) tls.cert = readFileSync(files.cert);
  if (files.key) tls.key = readFileSync(files.key);
  if (files.servername) tls.servername = files.servername;
  return tls;
}

// `--payload FILE` or `-` for standard input, read whole (the relay caps it anyway).
export async function readPayloadSource(source: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  if (source !== '-') return readFileSync(source);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
