// The daemon-wide budget of captured output held in memory (`--max-buffered-output`, issue 9):
// each run's kept stdout+stderr counts from the moment it is read until its answer has left for
// the client. Past the budget new runs are refused (3005), and a run whose next chunk would not
// fit is cut as at its own cap (3003), so the total never exceeds the budget.
import type { OutputAccount } from '../exec/index.js';

export class OutputMemory {
  private used = 0;

  // null: no budget.
  constructor(private readonly budget: number | null) {}

  // Whether a new run may start: false once the budget is spent.
  hasRoom(): boolean {
    return this.budget === null || this.used < this.budget;
  }

  // Bytes held now, across every run and every answer not yet sent.
  held(): number {
    return this.used;
  }

  // An account for one run: what it takes is given back, all at once, by release (idempotent).
  open(): OutputAccount & { release: () => void } {
    let taken = 0;
    let released = false;
    return {
      take: (bytes) => {
        if (released) return false;
        if (this.budget !== null && this.used + bytes > this.budget) return false;
        this.used += bytes;
        taken += bytes;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.used -= taken;
        taken = 0;
      },
    };
  }
}
