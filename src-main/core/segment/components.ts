/**
 * Connected components of a row-major 0/1 mask: union-find over horizontal runs (no recursion, no
 * per-pixel allocation). Foreground uses 8-connectivity by default, the usual pair with 4-connected
 * background, so that a component's holes are exactly the enclosed 4-connected background regions.
 */
export type Connectivity = 4 | 8;

export interface Components {
  /** Per pixel: 0 for background, else the component number 1..count. */
  readonly labels: Int32Array;
  readonly count: number;
  /** Indexed by component number (index 0 unused). */
  readonly areas: Int32Array;
  /** Inclusive pixel bounds per component, indexed by component number. */
  readonly minX: Int32Array;
  readonly minY: Int32Array;
  readonly maxX: Int32Array;
  readonly maxY: Int32Array;
}

/** Horizontal runs [start, end) of row y are indices rowFirst[y]..rowFirst[y+1]-1, with their component label. */
export interface LabelledRuns {
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly rowFirst: Int32Array;
  /** Per run: component number 1..count. */
  readonly runLabel: Int32Array;
}

export function labelRuns(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  connectivity: Connectivity = 8,
): LabelledRuns {
  const w = widthPx;
  const h = heightPx;
  if (mask.length !== w * h) throw new Error(`mask has ${mask.length} pixels, expected ${w}×${h}`);
  // Pass 1: horizontal runs [start, end) per row. Masks are blobby, so runs are far fewer than pixels.
  let cap = 1024;
  let rs = new Int32Array(cap);
  let re = new Int32Array(cap);
  const rowFirst = new Int32Array(h + 1);
  let n = 0;
  for (let y = 0; y < h; y++) {
    rowFirst[y] = n;
    const off = y * w;
    let x = 0;
    while (x < w) {
      while (x < w && mask[off + x] === 0) x++;
      if (x >= w) break;
      const start = x;
      while (x < w && mask[off + x] !== 0) x++;
      if (n === cap) {
        cap *= 2;
        const grownS = new Int32Array(cap);
        grownS.set(rs);
        rs = grownS;
        const grownE = new Int32Array(cap);
        grownE.set(re);
        re = grownE;
      }
      rs[n] = start;
      re[n] = x;
      n++;
    }
  }
  rowFirst[h] = n;
  // Pass 2: union-find over runs; a run joins the runs of the row above that overlap it (8-connectivity
  // widens the overlap test by one pixel on each side).
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (a: number): number => {
    while (parent[a]! !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const slack = connectivity === 8 ? 1 : 0;
  for (let y = 1; y < h; y++) {
    let j = rowFirst[y - 1]!;
    const jEnd = rowFirst[y]!;
    for (let i = rowFirst[y]!, iEnd = rowFirst[y + 1]!; i < iEnd; i++) {
      const lo = rs[i]! - slack;
      const hi = re[i]! + slack;
      while (j < jEnd && re[j]! <= lo) j++;
      for (let k = j; k < jEnd && rs[k]! < hi; k++) {
        const a = find(i);
        const b = find(k);
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
    }
  }
  // Labels 1..count in raster order of each component's first pixel (its first run).
  const runLabel = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = find(i);
    runLabel[i] = r === i ? ++count : runLabel[r]!;
  }
  return { count, starts: rs.subarray(0, n), ends: re.subarray(0, n), rowFirst, runLabel };
}

export function connectedComponents(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  connectivity: Connectivity = 8,
): Components {
  const w = widthPx;
  const h = heightPx;
  const { count, starts: rs, ends: re, rowFirst, runLabel } = labelRuns(mask, w, h, connectivity);
  const labels = new Int32Array(w * h);
  const areas = new Int32Array(count + 1);
  const minX = new Int32Array(count + 1).fill(w);
  const minY = new Int32Array(count + 1).fill(h);
  const maxX = new Int32Array(count + 1).fill(-1);
  const maxY = new Int32Array(count + 1).fill(-1);
  for (let y = 0; y < h; y++) {
    const off = y * w;
    for (let i = rowFirst[y]!, iEnd = rowFirst[y + 1]!; i < iEnd; i++) {
      const l = runLabel[i]!;
      const s0 = rs[i]!;
      const e0 = re[i]!;
      labels.fill(l, off + s0, off + e0);
      areas[l]! += e0 - s0;
      if (s0 < minX[l]!) minX[l] = s0;
      if (e0 - 1 > maxX[l]!) maxX[l] = e0 - 1;
      if (y < minY[l]!) minY[l] = y;
      if (y > maxY[l]!) maxY[l] = y;
    }
  }
  return { labels, count, areas, minX, minY, maxX, maxY };
}

/** The 0/1 mask of one component. */
export function componentMask(components: Components, label: number): Uint8Array {
  const out = new Uint8Array(components.labels.length);
  const labels = components.labels;
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) out[i] = 1;
  return out;
}
