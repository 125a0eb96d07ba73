/**
 * Connected components of a row-major 0/1 mask with a two-pass union-find labelling (no recursion, no
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

export function connectedComponents(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  connectivity: Connectivity = 8,
): Components {
  const n = widthPx * heightPx;
  if (mask.length !== n) throw new Error(`mask has ${mask.length} pixels, expected ${widthPx}×${heightPx}`);
  const labels = new Int32Array(n);
  // Union-find over provisional labels; grown on demand so that small masks stay small.
  let parent = new Int32Array(Math.min(n, 1024) + 1);
  let next = 1;
  const find = (a: number): number => {
    while (parent[a]! !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const unite = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    if (ra < rb) {
      parent[rb] = ra;
      return ra;
    }
    parent[ra] = rb;
    return rb;
  };
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const i = row + x;
      if (mask[i] === 0) continue;
      let l = 0;
      if (x > 0 && mask[i - 1] !== 0) l = labels[i - 1]!;
      if (y > 0) {
        const up = i - widthPx;
        if (mask[up] !== 0) l = l === 0 ? labels[up]! : unite(l, labels[up]!);
        if (connectivity === 8) {
          if (x > 0 && mask[up - 1] !== 0) l = l === 0 ? labels[up - 1]! : unite(l, labels[up - 1]!);
          if (x + 1 < widthPx && mask[up + 1] !== 0)
            l = l === 0 ? labels[up + 1]! : unite(l, labels[up + 1]!);
        }
      }
      if (l === 0) {
        if (next >= parent.length) {
          const grown = new Int32Array(parent.length * 2);
          grown.set(parent);
          parent = grown;
        }
        parent[next] = next;
        l = next++;
      }
      labels[i] = l;
    }
  }
  // Compact the roots to 1..count in raster order of first appearance.
  const remap = new Int32Array(next);
  let count = 0;
  for (let l = 1; l < next; l++) {
    const r = find(l);
    if (r === l) remap[l] = ++count;
  }
  for (let l = 1; l < next; l++) remap[l] = remap[find(l)]!;
  const areas = new Int32Array(count + 1);
  const minX = new Int32Array(count + 1).fill(widthPx);
  const minY = new Int32Array(count + 1).fill(heightPx);
  const maxX = new Int32Array(count + 1).fill(-1);
  const maxY = new Int32Array(count + 1).fill(-1);
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const i = row + x;
      const l0 = labels[i]!;
      if (l0 === 0) continue;
      const l = remap[l0]!;
      labels[i] = l;
      areas[l]!++;
      if (x < minX[l]!) minX[l] = x;
      if (x > maxX[l]!) maxX[l] = x;
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
