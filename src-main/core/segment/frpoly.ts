/** pycocotools polygon rasterisation, ported literally so that masks match it bit for bit. */

/** A literal port of pycocotools `rleFrPoly` (polygon on a ×5 grid, crossings at pixel centres). */
export function polygonToCounts(xy: readonly number[], heightPx: number, widthPx: number): number[] {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new Error(`mask size must be positive integers, got ${widthPx}×${heightPx}`);
  }
  if (xy.length % 2 !== 0) throw new Error(`polygon has an odd number of coordinates (${xy.length})`);
  for (let i = 0; i < xy.length; i++) {
    if (!Number.isFinite(xy[i])) throw new Error(`polygon coordinate ${i} is not a finite number`);
  }
  const scale = 5;
  const k = xy.length / 2;
  if (k === 0) return [heightPx * widthPx];
  const x = new Int32Array(k + 1);
  const y = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) x[j] = Math.trunc(scale * (xy[j * 2] ?? 0) + 0.5);
  for (let j = 0; j < k; j++) y[j] = Math.trunc(scale * (xy[j * 2 + 1] ?? 0) + 0.5);
  x[k] = x[0]!;
  y[k] = y[0]!;
  let m = 0;
  for (let j = 0; j < k; j++) m += Math.max(Math.abs(x[j]! - x[j + 1]!), Math.abs(y[j]! - y[j + 1]!)) + 1;
  const u = new Int32Array(m);
  const v = new Int32Array(m);
  m = 0;
  for (let j = 0; j < k; j++) {
    let xs = x[j]!;
    let xe = x[j + 1]!;
    let ys = y[j]!;
    let ye = y[j + 1]!;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    // dx=dy=0 gives 0/0 in C too; the lone point never makes a crossing, so its v value is irrelevant.
    const s = dx >= dy ? (dx === 0 ? 0 : (ye - ys) / dx) : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u[m] = t + xs;
        v[m] = Math.trunc(ys + s * t + 0.5);
        m++;
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v[m] = t + ys;
        u[m] = Math.trunc(xs + s * t + 0.5);
        m++;
      }
    }
  }
  // Boundary points where the traced edge crosses a column centre, downsampled to the pixel grid.
  const a: number[] = [];
  for (let j = 1; j < m; j++) {
    const uj = u[j]!;
    const up = u[j - 1]!;
    if (uj === up) continue;
    let xd = uj < up ? uj : uj - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > widthPx - 1) continue;
    const vj = v[j]!;
    const vp = v[j - 1]!;
    let yd = vj < vp ? vj : vp;
    yd = (yd + 0.5) / scale - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > heightPx) yd = heightPx;
    yd = Math.ceil(yd);
    a.push(xd * heightPx + yd);
  }
  a.push(heightPx * widthPx);
  const sorted = Float64Array.from(a).sort();
  let prev = 0;
  for (let j = 0; j < sorted.length; j++) {
    const t = sorted[j]!;
    sorted[j] = t - prev;
    prev = t;
  }
  // Equal boundary points cancel: a zero diff is dropped and the next diff joins the previous run.
  const counts: number[] = [sorted[0]!];
  let j = 1;
  while (j < sorted.length) {
    if (sorted[j]! > 0) {
      counts.push(sorted[j++]!);
    } else {
      j++;
      if (j < sorted.length) counts[counts.length - 1]! += sorted[j++]!;
    }
  }
  return counts;
}
