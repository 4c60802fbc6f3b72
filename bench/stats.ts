// Latency and throughput figures from a list of timings, and the knobs read from the environment.

export interface LoadFigures {
  requests: number;
  concurrency: number;
  perSecond: number; // completed requests per wall-clock second
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

// Nearest-rank percentile of an ascending list.
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function summarize(latenciesMs: readonly number[], wallMs: number, concurrency: number): LoadFigures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    concurrency,
    perSecond: (sorted.length / wallMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

// Runs `total` operations with `concurrency` workers, each starting its next one as soon as its
// last one finished (a closed loop, as that many `nc` clients in a shell loop would).
export async function closedLoop(total: number, concurrency: number, operation: () => Promise<void>): Promise<LoadFigures> {
  const { latenciesMs, wallMs } = await closedLoopTimings(total, concurrency, operation);
  return summarize(latenciesMs, wallMs, concurrency);
}

// The same closed loop, its raw timings: to pool several rounds into one row.
export async function closedLoopTimings(total: number, concurrency: number, operation: () => Promise<void>): Promise<{ latenciesMs: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < total) {
      started += 1;
      const begin = performance.now();
      await operation();
      latencies.push(performance.now() - begin);
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { latenciesMs: latencies, wallMs: performance.now() - begin };
}

// A positive integer from the environment, or the default.
export function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, not ${JSON.stringify(text)}`);
  return value;
}
