/**
 * Interleaved timing: every contender runs once per round, in an order that alternates between rounds,
 * and each reports the median over the rounds of its mean time per call. A contender either runs in
 * this process (`run`, timed here) or times itself (`runTimed`, e.g. inside Python) for `reps` calls.
 */
export type Timed =
  | { readonly label: string; readonly run: () => unknown }
  | { readonly label: string; readonly runTimed: (reps: number) => Promise<number> };

/** Wall time one sample aims at: long enough to swamp timer noise, short enough for 7 rounds. */
const SAMPLE_MS = 30;

async function sampleMs(t: Timed, reps: number): Promise<number> {
  if ('runTimed' in t) return (await t.runTimed(reps)) * 1000;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) t.run();
  return (performance.now() - t0) / reps;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function interleaved(
  contenders: readonly Timed[],
  rounds: number,
): Promise<Map<string, number>> {
  // Warm-up (JIT, caches) and calibration: reps so that one sample takes about SAMPLE_MS.
  const reps = new Map<string, number>();
  for (const t of contenders) {
    await sampleMs(t, 1);
    const one = await sampleMs(t, 1);
    reps.set(t.label, Math.max(1, Math.min(2000, Math.round(SAMPLE_MS / Math.max(one, 1e-3)))));
  }
  const samples = new Map<string, number[]>(contenders.map((t) => [t.label, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const t of order) samples.get(t.label)!.push(await sampleMs(t, reps.get(t.label)!));
  }
  return new Map([...samples].map(([label, xs]) => [label, median(xs)]));
}
