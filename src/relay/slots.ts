// Concurrency limits (SPEC 5.2 `concurrency`, serve `--max-running`): one more is 3005.
import type { CommandSpec } from '../config/index.js';
import { RelayError } from '../protocol/index.js';

export class RunSlots {
  // Keyed by `cluster::name`, so counts survive a SIGHUP reload of the same command.
  private readonly perCommand = new Map<string, number>();
  private total = 0;

  constructor(private readonly maxRunning: number | null) {}

  // Takes a slot or fails with 3005; the returned function gives it back (once).
  acquire(command: CommandSpec): () => void {
    const name = `${command.cluster}::${command.name}`;
    const running = this.perCommand.get(name) ?? 0;
    if (command.concurrency !== null && running >= command.concurrency) {
      throw new RelayError('BUSY', `${name} is already running ${running} times`);
    }
    if (this.maxRunning !== null && this.total >= this.maxRunning) {
      throw new RelayError('BUSY', `the daemon is already running ${this.total} commands`);
    }
    this.perCommand.set(name, running + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.perCommand.get(name) ?? 1) - 1;
      if (left === 0) this.perCommand.delete(name);
      else this.perCommand.set(name, left);
    };
  }

  running(): number {
    return this.total;
  }
}
