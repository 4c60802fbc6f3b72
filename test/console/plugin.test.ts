// The console plugin in-process (fastify inject): exactly the files of web/, with the security
// headers, compressed, revalidated by ETag, and nothing else reachable.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it, before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { fastify, type FastifyInstance } from 'fastify';
import { CONSOLE_FILES, CONSOLE_HEADERS, consolePlugin, pickEncoding, WEB_DIR } from '../../src/server/http/console.js';

const webDir = fileURLToPath(WEB_DIR);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [relative(webDir, path)];
  });
}

const EXPECTED_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

describe('console plugin', () => {
  let app: FastifyInstance;
  before(async () => {
    app = fastify({ logger: false });
    await app.register(consolePlugin);
    await app.ready();
  });
  after(() => app.close());

  it('serves every file of web/ the browser needs, and web/ holds no file it does not serve', () => {
    const served = CONSOLE_FILES.map((entry) => entry.file).sort();
    assert.deepEqual(served, filesUnder(webDir).filter((file) => file !== 'tsconfig.json').sort());
  });

  it('answers each file with its type and the security headers', async () => {
    for (const entry of CONSOLE_FILES) {
      const response = await app.inject({ method: 'GET', url: entry.route });
      assert.equal(response.statusCode, 200, entry.route);
      assert.equal(response.headers['content-type'], entry.type, entry.route);
      for (const [name, value] of Object.entries(EXPECTED_HEADERS)) assert.equal(response.headers[name], value, `${entry.route} ${name}`);
      assert.equal(response.rawPayload.equals(readFileSync(join(webDir, entry.file))), true, entry.route);
    }
    assert.equal(CONSOLE_HEADERS['x-frame-options'], 'DENY');
  });

  it('sends brotli or gzip when accepted, and the same bytes once decoded', async () => {
    const original = readFileSync(join(webDir, 'js', 'commands.js'));
    const br = await app.inject({ method: 'GET', url: '/js/commands.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'accept-encoding');
    assert.ok(br.rawPayload.length < original.length / 2);
    assert.equal(brotliDecompressSync(br.rawPayload).equals(original), true);
    const gzip = await app.inject({ method: 'GET', url: '/js/commands.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gzip.rawPayload).equals(original), true);
    const refused = await app.inject({ method: 'GET', url: '/js/commands.js', headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
    assert.equal(refused.headers['content-encoding'], undefined);
    assert.equal(refused.rawPayload.equals(original), true);
  });

  it('is at most 100 kB compressed, all files together', () => {
    const total = CONSOLE_FILES.reduce((sum, entry) => sum + gzipSync(readFileSync(join(webDir, entry.file)), { level: 9 }).length, 0);
    assert.ok(total <= 100_000, `${total} bytes gzipped`);
  });

  it('answers 304 to a matching If-None-Match, still with the security headers', async () => {
    const first = await app.inject({ method: 'GET', url: '/' });
    const etag = first.headers.etag;
    assert.equal(typeof etag, 'string');
    const again = await app.inject({ method: 'GET', url: '/', headers: { 'if-none-match': String(etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    assert.equal(again.headers['content-security-policy'], EXPECTED_HEADERS['content-security-policy']);
    const stale = await app.inject({ method: 'GET', url: '/', headers: { 'if-none-match': '"other"' } });
    assert.equal(stale.statusCode, 200);
  });

  it('serves nothing outside the list: no traversal, no directory, no source', async () => {
    for (const url of ['/../package.json', '/js/../../package.json', '/js/%2e%2e/%2e%2e/package.json', '/%2e%2e/src/cli/main.ts', '/index.html', '/web/index.html', '/js/', '/tsconfig.json', '/js/main.js/', '/js//main.js']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
    }
  });

  it('index.html has no inline script or style, and the scripts write text, never HTML', () => {
    const html = readFileSync(join(webDir, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
    for (const entry of CONSOLE_FILES.filter((file) => file.file.endsWith('.js'))) {
      const source = readFileSync(join(webDir, entry.file), 'utf8');
      assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, entry.file);
      // Nothing is fetched from another origin.
      assert.doesNotMatch(source, /https?:\/\//, entry.file);
    }
  });

  it('picks the encoding by Accept-Encoding, honouring q=0', () => {
    assert.equal(pickEncoding(undefined), 'identity');
    assert.equal(pickEncoding('gzip, deflate, br, zstd'), 'br');
    assert.equal(pickEncoding('gzip;q=0.5'), 'gzip');
    assert.equal(pickEncoding('br;q=0, gzip'), 'gzip');
    assert.equal(pickEncoding('identity'), 'identity');
    assert.equal(pickEncoding('BR'), 'br');
  });
});
