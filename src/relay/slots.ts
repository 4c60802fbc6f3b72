// Concurrency limits (SPEC 5.2 `concurrency`, serve `--max-running`): one more is 3005.
import type { CommandSpec } from '../config/index.js';
import { RelayError } from '../protocol/index.js';

// Holders counted per key and in all: what the concurrency slots and the connection limits keep.
export class KeyedCounts {
  private readonly byKey = new Map<string, number>();
  private all = 0;

  total(): number {
    return this.all;
  }

  of(key: string): number {
    return this.byKey.get(key) ?? 0;
  }

  // Counts one more holder of key; the returned function gives it back (once).
  take(key: string): () => void {
    this.byKey.set(key, this.of(key) + 1);
    this.all += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.all -= 1;
      const left = this.of(key) - 1;
      if (left <= 0) this.byKey.delete(key);
      else this.byKey.set(key, left);
    };
  }
}

export class RunSlots {
  // Keyed by `cluster::name`, so counts survive a SIGHUP reload of the same command.
  private readonly counts = new KeyedCounts();

  constructor(private readonly maxRunning: number | null) {}

  // Takes a slot or fails with 3005; the returned function gives it back (once).
  acquire(command: CommandSpec): () => void {
    const name = `${command.cluster}::${command.name}`;
    const running = this.counts.of(name);
    if (command.concurrency !== null && running >= command.concurrency) {
      throw new RelayError('BUSY', `${name} is already running ${running} times`);
    }
    const total = this.counts.total();
    if (this.maxRunning !== null && total >= this.maxRunning) {
      throw new RelayError('BUSY', `the daemon is already running ${total} commands`);
    }
    return this.counts.take(name);
  }

  running(): number {
    return this.counts.total();
  }
}
