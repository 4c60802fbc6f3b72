// The replay memory of a queue agent, on disk so that it survives restarts: a queued copy may be
// delivered days after it was signed, far beyond any in-memory window. One JSON line per accepted
// nonce, `{"n":NONCE,"u":FORGET_AT_MS}`, appended and fsync'd before the command runs; lines
// whose time is over are dropped when the file is compacted (at start, and as it grows).
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class NonceStore {
  private readonly seen = new Map<string, number>();
  private fd: number;
  private lines = 0;

  // Opens (creating) `dir/file`; the directory is made private (0700), the file 0600.
  constructor(
    private readonly dir: string,
    private readonly file: string,
    private readonly maxEntries: number,
    now = Date.now(),
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let text = '';
    try {
      text = readFileSync(this.path(), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (entry !== null && entry.u >= now) this.seen.set(entry.n, entry.u);
    }
    this.fd = this.compact();
  }

  private path(): string {
    return join(this.dir, this.file);
  }

  has(nonce: string, now = Date.now()): boolean {
    const until = this.seen.get(nonce);
    return until !== undefined && until >= now;
  }

  // Records a nonce durably (written and fsync'd when this returns). 'full': every entry is live
  // and the limit is reached; refusing is safer than forgetting one that could be replayed.
  remember(nonce: string, forgetAt: number, now = Date.now()): 'fresh' | 'replay' | 'full' {
    if (this.has(nonce, now)) return 'replay';
    if (this.seen.size >= this.maxEntries) this.prune(now);
    if (this.seen.size >= this.maxEntries) return 'full';
    this.seen.set(nonce, forgetAt);
    writeSync(this.fd, `${JSON.stringify({ n: nonce, u: forgetAt })}\n`);
    fsyncSync(this.fd);
    this.lines += 1;
    if (this.lines > 2 * this.seen.size + 1000) {
      closeSync(this.fd);
      this.fd = this.compact();
    }
    return 'fresh';
  }

  private prune(now: number): void {
    for (const [nonce, until] of this.seen) if (until < now) this.seen.delete(nonce);
  }

  // Rewrites the file with the live entries only (atomically: a temporary file, then rename)
  // and returns a descriptor that appends to it.
  private compact(): number {
    const temporary = `${this.path()}.tmp`;
    const body = [...this.seen].map(([n, u]) => `${JSON.stringify({ n, u })}\n`).join('');
    const out = openSync(temporary, 'w', 0o600);
    try {
      writeSync(out, body);
      fsyncSync(out);
    } finally {
      closeSync(out);
    }
    renameSync(temporary, this.path());
    this.lines = this.seen.size;
    return openSync(this.path(), 'a', 0o600);
  }

  size(): number {
    return this.seen.size;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function parseLine(line: string): { n: string; u: number } | null {
  if (line.trim() === '') return null;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object') return null;
    const { n, u } = parsed as { n?: unknown; u?: unknown };
    return typeof n === 'string' && typeof u === 'number' ? { n, u } : null;
  } catch {
    return null; // a line torn by a crash mid-write: its command never started
  }
}
