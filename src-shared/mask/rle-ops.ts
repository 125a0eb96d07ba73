import { countsStringArea, parseCountsScratch, parsed } from './counts-string';

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
  return countsStringArea(rle.counts);
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
 * intersectUnion on canonical lists (no zero-length run but the first) that both cover `total` < 2^31
 * pixels: the branch-free boundary walk of rle-merge.ts, adding each stretch between boundaries to the
 * intersection and the union by the values on it. A and B need one writable slot after their counts.
 * (One walk with a mode switch for both measured 3–10 % slower on IoU and merge: hence two loops.)
 */
function walkIntersectUnion(
  A: Int32Array,
  am: number,
  B: Int32Array,
  bm: number,
  total: number,
): { inter: number; union: number } {
  A[am] = 0;
  B[bm] = 0;
  let pa = A[0]!;
  let pb = B[0]!;
  let ia = 1;
  let ib = 1;
  let va = 0;
  let vb = 0;
  let prev = 0;
  let inter = 0;
  let union = 0;
  for (;;) {
    const tA = ((pb - pa) >>> 31) ^ 1;
    const tB = ((pa - pb) >>> 31) ^ 1;
    const pos = pb + ((pa - pb) & -tA);
    if (pos >= total) break;
    const stretch = pos - prev;
    inter += stretch & -(va & vb);
    union += stretch & -(va | vb);
    prev = pos;
    va ^= tA;
    vb ^= tB;
    pa += A[ia]! & -tA;
    ia += tA;
    pb += B[ib]! & -tB;
    ib += tB;
  }
  const stretch = total - prev;
  return { inter: inter + (stretch & -(va & vb)), union: union + (stretch & -(va | vb)) };
}

/** Counts parsed from a string, with what the walk needs to know about them. */
interface ParsedCounts {
  readonly counts: Uint32Array;
  readonly total: number;
  readonly canonical: boolean;
}

/** Parses into scratch slot `slot`, or into a fresh buffer (with a spare slot) when `keep`. */
function parseForIou(s: string, slot: 0 | 1, keep: boolean): ParsedCounts {
  const scratch = parseCountsScratch(s, slot);
  let counts = scratch;
  if (keep) {
    counts = new Uint32Array(scratch.length + 1).subarray(0, scratch.length);
    counts.set(scratch);
  }
  return { counts, total: parsed.total, canonical: parsed.canonical };
}

function intersectUnionOf(a: ParsedCounts, b: ParsedCounts): { inter: number; union: number } {
  const am = a.counts.length;
  const bm = b.counts.length;
  if (a.canonical && b.canonical && am > 0 && bm > 0 && a.total === b.total && a.total < 2 ** 31) {
    const i32 = (c: Uint32Array, n: number): Int32Array => new Int32Array(c.buffer, c.byteOffset, n + 1);
    return walkIntersectUnion(i32(a.counts, am), am, i32(b.counts, bm), bm, a.total);
  }
  return intersectUnion(a.counts, b.counts);
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
  dt: ParsedCounts,
  dtSize: readonly [number, number],
  dbb: Bbox,
  gt: ParsedCounts,
  gtSize: readonly [number, number],
  gbb: Bbox,
  iscrowd: boolean,
): number {
  if (!(bboxIou(dbb, gbb, iscrowd) > 0)) return 0;
  if (dtSize[0] !== gtSize[0] || dtSize[1] !== gtSize[1]) return -1;
  const { inter, union } = intersectUnionOf(dt, gt);
  if (inter === 0) return 0;
  return inter / (iscrowd ? countsArea(dt.counts) : union);
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
  if (!(bboxIou(dbb, gbb, iscrowd) > 0)) return 0;
  if (dtSize[0] !== gtSize[0] || dtSize[1] !== gtSize[1]) return -1;
  const { inter, union } = intersectUnion(dt, gt);
  if (inter === 0) return 0;
  return inter / (iscrowd ? countsArea(dt) : union);
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
  const gtCounts = gt.map((g) => parseForIou(g.counts, 1, gt.length > 1));
  const gtBoxes = gt.map((g, j) => countsToBbox(gtCounts[j]!.counts, g.size[0], g.size[1]));
  return dt.map((d) => {
    const dc = parseForIou(d.counts, 0, false);
    const dbb = countsToBbox(dc.counts, d.size[0], d.size[1]);
    return gt.map((g, j) => pairIou(dc, d.size, dbb, gtCounts[j]!, g.size, gtBoxes[j]!, Boolean(iscrowd[j])));
  });
}
