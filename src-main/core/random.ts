/**
 * mulberry32: a small, well-mixed 32-bit PRNG. Everything that must come out the same on every machine
 * (seeded train/val splits, generated model weights, synthetic sample images, property tests) uses it.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
