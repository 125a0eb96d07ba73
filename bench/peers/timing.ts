/**
 * Interleaved timing: every contender runs once per round, in an order that alternates between rounds,
 * and each reports the median over the rounds of its mean time per call, as CPU time of its own process
 * and as wall time. CPU time is the figure compared: on a shared 2-core machine wall time mostly measures
 * the neighbours. A contender runs in this process (`run`) or times itself (`runTimed`, inside Python).
 */
export type Timed =
  | { readonly label: string; readonly run: () => unknown }
  | {
      readonly label: string;
      readonly runTimed: (reps: number) => Promise<{ wallMs: number; cpuMs: number }>;
    };

export interface Timing {
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** Time one sample aims at: long enough for the CPU clock's resolution, short enough for 7 rounds. */
const SAMPLE_MS = 40;
const SLOW_MS = 500;
const CALIBRATE_MS = 15;

async function sample(t: Timed, reps: number): Promise<Timing> {
  if ('runTimed' in t) return t.runTimed(reps);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) t.run();
  const wallMs = (performance.now() - t0) / reps;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 / reps };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function interleaved(
  contenders: readonly Timed[],
  rounds: number,
): Promise<Map<string, Timing>> {
  // Warm-up (JIT, caches) and calibration: reps so that one sample takes about SAMPLE_MS, from batches
  // doubled until one takes CALIBRATE_MS (a single first call is cold, and a sample of a few calls is
  // below what the CPU clock resolves). A contender slower than SLOW_MS a call (the replaced code on
  // large noisy masks) runs in the first 3 rounds only.
  const reps = new Map<string, number>();
  const slow = new Set<string>();
  for (const t of contenders) {
    let one = (await sample(t, 1)).wallMs;
    if (one <= SLOW_MS) {
      let n = 1;
      for (;;) {
        const batch = (await sample(t, n)).wallMs * n;
        one = batch / n;
        if (batch >= CALIBRATE_MS || n >= 4096) break;
        n *= 2;
      }
    }
    if (one > SLOW_MS) slow.add(t.label);
    reps.set(t.label, Math.max(1, Math.min(5000, Math.round(SAMPLE_MS / Math.max(one, 1e-3)))));
  }
  const cpu = new Map<string, number[]>(contenders.map((t) => [t.label, []]));
  const wall = new Map<string, number[]>(contenders.map((t) => [t.label, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const t of order) {
      if (r >= 3 && slow.has(t.label)) continue;
      const s = await sample(t, reps.get(t.label)!);
      cpu.get(t.label)!.push(s.cpuMs);
      wall.get(t.label)!.push(s.wallMs);
    }
  }
  return new Map(
    contenders.map((t) => [
      t.label,
      { cpuMs: median(cpu.get(t.label)!), wallMs: median(wall.get(t.label)!) },
    ]),
  );
}
