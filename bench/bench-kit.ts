/** One printed figure. `npm run bench` gathers the rows of every bench file into one table. */
export interface BenchRow {
  readonly bench: string;
  readonly case: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

/** A bench file's default export. */
export type BenchFn = () => Promise<BenchRow[]>;

/** Milliseconds of each of `n` runs of `fn`, after `warmup` untimed runs. */
export async function timeRuns(fn: () => unknown, n: number, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? Number.NaN;
}

export interface Measured {
  readonly wallMs: number[];
  readonly cpuMs: number[];
}

/** Like timeRuns, plus this process's CPU time per run (user + system). */
export async function measure(fn: () => unknown, n: number, warmup = 2): Promise<Measured> {
  for (let i = 0; i < warmup; i++) await fn();
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wallMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  return { wallMs, cpuMs };
}
