// The files the CLI hands to the library: PEM files for TLS and the payload source.
import { readFileSync } from 'node:fs';
import type { ClientTlsOptions } from './types.js';

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
