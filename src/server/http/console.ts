// The web console (SPEC 12): a fixed list of static files from the package's web/ folder, read
// once at start and compressed when first asked for, served with headers that forbid framing,
// sniffing, inline code and anything fetched from elsewhere. Nothing here touches the road: the
// page calls /v1/* like any other client.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// From src/server/http/ and from dist/server/http/ alike, web/ is three folders up.
export const WEB_DIR = new URL('../../../web/', import.meta.url);

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

// Every file the console has, and only those: there is no path from a URL to the disk.
export const CONSOLE_FILES: ReadonlyArray<{ route: string; file: string; type: string }> = [
  { route: '/', file: 'index.html', type: HTML },
  { route: '/console.css', file: 'console.css', type: 'text/css; charset=utf-8' },
  { route: '/favicon.svg', file: 'favicon.svg', type: 'image/svg+xml' },
  { route: '/js/main.js', file: 'js/main.js', type: JS },
  { route: '/js/api.js', file: 'js/api.js', type: JS },
  { route: '/js/dom.js', file: 'js/dom.js', type: JS },
  { route: '/js/format.js', file: 'js/format.js', type: JS },
  { route: '/js/commands.js', file: 'js/commands.js', type: JS },
  { route: '/js/jobs.js', file: 'js/jobs.js', type: JS },
];

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  // The files are small and change with the package: the browser asks each time, mostly for a 304.
  'cache-control': 'no-cache',
};

type Encoding = 'br' | 'gzip';

interface ConsoleFile {
  type: string;
  etag: string;
  identity: Buffer;
  encoded: Map<Encoding, Buffer>; // compressed on first use: the daemon starts without the work
}

async function loadFile(file: string, type: string): Promise<ConsoleFile> {
  const identity = await readFile(new URL(file, WEB_DIR));
  return { type, etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`, identity, encoded: new Map() };
}

function encodedBody(file: ConsoleFile, encoding: Encoding): Buffer {
  let body = file.encoded.get(encoding);
  if (body === undefined) {
    const { identity } = file;
    body =
      encoding === 'br'
        ? brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length } })
        : gzipSync(identity, { level: 9 });
    file.encoded.set(encoding, body);
  }
  return body;
}

// The best encoding the client accepts (q > 0): br, then gzip, else none.
export function pickEncoding(header: string | undefined): Encoding | 'identity' {
  const accepted = new Set<string>();
  for (const item of (header ?? '').split(',')) {
    const [name = '', ...params] = item.trim().toLowerCase().split(';');
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    accepted.add(name.trim());
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return 'identity';
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

function send(file: ConsoleFile, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.headers(CONSOLE_HEADERS);
  reply.header('etag', file.etag);
  reply.header('vary', 'accept-encoding');
  if (matchesEtag(request.headers['if-none-match'], file.etag)) return reply.code(304).send();
  const encoding = pickEncoding(request.headers['accept-encoding']);
  reply.type(file.type);
  if (encoding === 'identity') return reply.send(file.identity);
  reply.header('content-encoding', encoding);
  return reply.send(encodedBody(file, encoding));
}

// Registers GET (and so HEAD) for each console file. Fails at start if a file is missing.
export async function consolePlugin(app: FastifyInstance): Promise<void> {
  const files = await Promise.all(CONSOLE_FILES.map(async (entry) => ({ route: entry.route, file: await loadFile(entry.file, entry.type) })));
  for (const { route, file } of files) {
    app.get(route, (request, reply) => send(file, request, reply));
  }
}
