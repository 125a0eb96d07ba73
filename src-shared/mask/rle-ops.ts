import { countsToString, parseCountsScratch } from './counts-string';

/**
 * Area, bounding box, merge and IoU of column-major RLE counts, with pycocotools' semantics
 * (common/maskApi.c) down to its corner cases. Counts are read from typed arrays with integer
 * arithmetic; the string forms parse into a reused buffer, so a call allocates nothing per count.
 */

/** An RLE object in the COCO JSON shape (the contract's CocoRle has this shape too). */
export interface CompressedRle {
  size: [number, number];
  counts: string;
}

export type Bbox = [number, number, number, number];

/** pycocotools `rleArea`: the sum of the odd (foreground) runs. */
export function countsArea(counts: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < counts.length; i += 2) area += counts[i]!;
  return area;
}

export function rleArea(rle: CompressedRle): number {
  return countsArea(parseCountsScratch(rle.counts));
}

/**
 * pycocotools ≥2.0.3 `rleToBbox`, including its uint32 wrap on an RLE whose foreground runs all have
 * length 0 (the box then starts at [w, h] with a width and height of 2^32+1-w and 2^32+1-h).
 */
export function countsToBbox(counts: ArrayLike<number>, heightPx: number, widthPx: number): Bbox {
  const m = counts.length - (counts.length % 2);
  if (m === 0) return [0, 0, 0, 0];
  let xs = widthPx;
  let ys = heightPx;
  let xe = 0;
  let ye = 0;
  // Position of the run start as (column x, row y), advanced incrementally: no division per run
  // unless a run crosses a column.
  let x = 0;
  let y = 0;
  for (let j = 0; j < m; j++) {
    const c = counts[j]!;
    if ((j & 1) === 1 && c > 0) {
      let endY = y + c - 1;
      let endX = x;
      if (endY >= heightPx) {
        const q = Math.floor(endY / heightPx);
        endX += q;
        endY -= q * heightPx;
      }
      if (x < xs) xs = x;
      if (endX > xe) xe = endX;
      if (x < endX) {
        ys = 0;
        ye = heightPx - 1;
      } else {
        if (y < ys) ys = y;
        if (endY > ye) ye = endY;
      }
    }
    y += c;
    if (y >= heightPx) {
      const q = Math.floor(y / heightPx);
      x += q;
      y -= q * heightPx;
    }
  }
  return [xs, ys, (xe - xs + 1) >>> 0, (ye - ys + 1) >>> 0];
}

export function rleToBbox(rle: CompressedRle): Bbox {
  const [h, w] = rle.size;
  return countsToBbox(parseCountsScratch(rle.counts), h, w);
}

/** Merges two count lists into `out` (pycocotools `rleMerge`'s inner loop); returns the output length. */
function mergeTwo(A: ArrayLike<number>, B: ArrayLike<number>, intersect: boolean, out: Uint32Array): number {
  const am = A.length;
  const bm = B.length;
  let ca = am > 0 ? A[0]! : 0;
  let cb = bm > 0 ? B[0]! : 0;
  let v = false;
  let va = false;
  let vb = false;
  let a = 1;
  let b = 1;
  let cc = 0;
  let ct = 1;
  let m = 0;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    cc += c;
    ca -= c;
    if (ca === 0 && a < am) {
      ca = A[a++]!;
      va = !va;
    }
    cb -= c;
    if (cb === 0 && b < bm) {
      cb = B[b++]!;
      vb = !vb;
    }
    ct = ca + cb;
    const vp: boolean = v;
    v = intersect ? va && vb : va || vb;
    if (v !== vp || ct === 0) {
      out[m++] = cc;
      cc = 0;
    }
  }
  return m;
}

const mergePool = [new Uint32Array(1024), new Uint32Array(1024)];

/**
 * Folds count lists with pycocotools' merge, into two pooled buffers used in turn; the result is valid
 * until the next call. `next(i)` yields the i-th list; it is read fully before next(i + 1) is asked.
 */
function mergeFold(n: number, next: (i: number) => ArrayLike<number>, intersect: boolean): ArrayLike<number> {
  let acc = next(0);
  for (let i = 1; i < n; i++) {
    const B = next(i);
    // Each merged run ends at a run end of A or of B (or at the end): at most |A| + |B| + 1 runs.
    const need = acc.length + B.length + 1;
    const k = i & 1;
    if (mergePool[k]!.length < need) mergePool[k] = new Uint32Array(Math.max(need, 2 * mergePool[k]!.length));
    const out = mergePool[k]!;
    acc = out.subarray(0, mergeTwo(acc, B, intersect, out));
  }
  return acc;
}

/**
 * pycocotools `rleMerge`: union (or with `intersect`, intersection) of same-size count lists, folded
 * left to right; a single input comes back as a copy.
 */
export function mergeCounts(all: readonly ArrayLike<number>[], intersect = false): Uint32Array {
  if (all.length === 0) throw new Error('mergeCounts needs at least one RLE');
  return Uint32Array.from(mergeFold(all.length, (i) => all[i]!, intersect));
}

/**
 * Union of canonical count lists (no zero-length run but maybe the first, as frPoly and encode make
 * them), merged as a balanced tree: O(runs · log n) instead of the left fold's O(runs · n). The union of
 * canonical lists has one canonical list, so this equals pycocotools' fold of rleMerge bit for bit.
 */
export function unionCanonicalCounts(parts: readonly Uint32Array[]): Uint32Array {
  if (parts.length === 0) throw new Error('unionCanonicalCounts needs at least one RLE');
  let level: Uint32Array[] = [...parts];
  while (level.length > 1) {
    const next: Uint32Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const a = level[i]!;
      const b = level[i + 1]!;
      const out = new Uint32Array(a.length + b.length + 1);
      next.push(out.subarray(0, mergeTwo(a, b, false, out)));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** pycocotools `mask.merge(rles, intersect)`: one RLE object; sizes must agree. */
export function rleMerge(rles: readonly CompressedRle[], intersect = false): CompressedRle {
  const first = rles[0];
  if (first === undefined) throw new Error('mergeRles needs at least one RLE');
  const [h, w] = first.size;
  rles.forEach((r, i) => {
    if (r.size[0] !== h || r.size[1] !== w) {
      throw new Error(`mergeRles: RLE ${i} has size ${r.size.join('×')}, expected ${h}×${w}`);
    }
  });
  if (rles.length === 1) return { size: [h, w], counts: first.counts };
  // The first list parses into the second scratch slot: the others reuse the first one in turn.
  const merged = mergeFold(
    rles.length,
    (i) => parseCountsScratch(rles[i]!.counts, i === 0 ? 1 : 0),
    intersect,
  );
  return { size: [h, w], counts: countsToString(merged) };
}

/**
 * Intersection and union pixel counts of two count lists (pycocotools `rleIou`'s inner loop): mergeTwo's
 * walk, counting instead of writing runs, since IoU needs no output list.
 */
function intersectUnion(A: ArrayLike<number>, B: ArrayLike<number>): { inter: number; union: number } {
  const am = A.length;
  const bm = B.length;
  let ca = am > 0 ? A[0]! : 0;
  let cb = bm > 0 ? B[0]! : 0;
  let va = false;
  let vb = false;
  let a = 1;
  let b = 1;
  let inter = 0;
  let union = 0;
  let ct = 1;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    if (va || vb) {
      union += c;
      if (va && vb) inter += c;
    }
    ca -= c;
    if (ca === 0 && a < am) {
      ca = A[a++]!;
      va = !va;
    }
    cb -= c;
    if (cb === 0 && b < bm) {
      cb = B[b++]!;
      vb = !vb;
    }
    ct = ca + cb;
  }
  return { inter, union };
}

/**
 * pycocotools `bbIou` for one pair: 0 when the boxes do not overlap; against a crowd box the union is
 * the detection's box area.
 */
export function bboxIou(dt: Bbox, gt: Bbox, iscrowd: boolean): number {
  const w = Math.min(dt[2] + dt[0], gt[2] + gt[0]) - Math.max(dt[0], gt[0]);
  if (w <= 0) return 0;
  const h = Math.min(dt[3] + dt[1], gt[3] + gt[1]) - Math.max(dt[1], gt[1]);
  if (h <= 0) return 0;
  const i = w * h;
  const da = dt[2] * dt[3];
  return i / (iscrowd ? da : da + gt[2] * gt[3] - i);
}

function pairIou(
  dt: ArrayLike<number>,
  dtSize: readonly [number, number],
  dbb: Bbox,
  gt: ArrayLike<number>,
  gtSize: readonly [number, number],
  gbb: Bbox,
  iscrowd: boolean,
): number {
  if (!(bboxIou(dbb, gbb, iscrowd) > 0)) return 0;
  if (dtSize[0] !== gtSize[0] || dtSize[1] !== gtSize[1]) return -1;
  const { inter, union } = intersectUnion(dt, gt);
  if (inter === 0) return 0;
  return inter / (iscrowd ? countsArea(dt) : union);
}

/**
 * pycocotools `rleIou` for one detection/ground-truth pair, sizes [h, w]: the box IoU first (0 when the
 * boxes miss), then |dt∩gt| / |dt∪gt|, or |dt∩gt| / |dt| against a crowd region; -1 when the sizes
 * differ; 0 for an empty intersection.
 */
export function countsIou(
  dt: ArrayLike<number>,
  dtSize: readonly [number, number],
  gt: ArrayLike<number>,
  gtSize: readonly [number, number],
  iscrowd = false,
): number {
  const dbb = countsToBbox(dt, dtSize[0], dtSize[1]);
  const gbb = countsToBbox(gt, gtSize[0], gtSize[1]);
  return pairIou(dt, dtSize, dbb, gt, gtSize, gbb, iscrowd);
}

/**
 * pycocotools `mask.iou(dt, gt, iscrowd)` on RLE objects: result[d][g] is the IoU of detection d with
 * ground truth g, where iscrowd[g] marks crowd regions.
 */
export function rleIou(
  dt: readonly CompressedRle[],
  gt: readonly CompressedRle[],
  iscrowd: readonly (boolean | number)[] = [],
): number[][] {
  // One ground truth (the common call) stays in the second parse buffer; several are copied out.
  const gtCounts = gt.map((g) =>
    gt.length === 1 ? parseCountsScratch(g.counts, 1) : parseCountsScratch(g.counts).slice(),
  );
  const gtBoxes = gt.map((g, j) => countsToBbox(gtCounts[j]!, g.size[0], g.size[1]));
  return dt.map((d) => {
    const dc = parseCountsScratch(d.counts);
    const dbb = countsToBbox(dc, d.size[0], d.size[1]);
    return gt.map((g, j) => pairIou(dc, d.size, dbb, gtCounts[j]!, g.size, gtBoxes[j]!, Boolean(iscrowd[j])));
  });
}
