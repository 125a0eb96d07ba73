/**
 * Otsu's threshold on values in [lo, hi]: the histogram split that maximises the between-class variance.
 * Returns the upper edge of the last bin of the low class, so `value ≥ threshold` is the high class.
 */
export function otsuThreshold(values: Float32Array, lo = 0, hi = 1, bins = 256): number {
  const hist = new Float64Array(bins);
  const scale = bins / (hi - lo);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= lo && v <= hi)) continue;
    let b = Math.floor((v - lo) * scale);
    if (b >= bins) b = bins - 1;
    hist[b]!++;
    n++;
  }
  if (n === 0) return (lo + hi) / 2;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) sumAll += b * hist[b]!;
  let w0 = 0;
  let sum0 = 0;
  let best = -1;
  let bestB = bins / 2 - 1;
  for (let b = 0; b < bins - 1; b++) {
    w0 += hist[b]!;
    sum0 += b * hist[b]!;
    const w1 = n - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = sum0 / w0;
    const m1 = (sumAll - sum0) / w1;
    const between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > best) {
      best = between;
      bestB = b;
    }
  }
  return lo + (bestB + 1) / scale;
}
