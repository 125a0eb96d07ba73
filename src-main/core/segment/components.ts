import { extractRowRuns, labelRowRuns, type Connectivity } from '@shared/mask';

/**
 * Connected components of a row-major 0/1 mask: union-find over horizontal runs (no recursion, no
 * per-pixel allocation), from @shared/mask. Foreground uses 8-connectivity by default, the usual pair
 * with 4-connected background, so that a component's holes are exactly the enclosed 4-connected
 * background regions.
 */
export type { Connectivity };

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
  const runs = extractRowRuns(mask, widthPx, heightPx);
  const { runLabel, count } = labelRowRuns(runs, heightPx, connectivity);
  return { count, starts: runs.starts, ends: runs.ends, rowFirst: runs.rowFirst, runLabel };
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
