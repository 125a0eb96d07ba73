import { countsToString, parseCountsScratch, parsed } from './counts-string';
import { type CompressedRle } from './rle-ops';
import { wasmMergeStrings } from './wasm/kernels';

/**
 * pycocotools `rleMerge` (union, or intersection) of column-major count lists. pycocotools steps both
 * lists run by run with data-dependent branches, which mispredict on every other step; here the same
 * walk goes over run boundaries, branch-free (0/1 arithmetic on int32 positions), writing each merged
 * run unconditionally and keeping it only when the merged value changed. On canonical lists (no
 * zero-length run but maybe the first: what encode and frPoly make) that is pycocotools' output: a step
 * of its loop toggles list A exactly when A's next boundary is the current position, as the walk does.
 * Other lists take pycocotools' own loop, which stops early where both lists meet zero-length runs at
 * once; so do lists of 2^31 pixels or more, as the walk's positions are int32.
 */

/** Positions must stay below this for the int32 walk. */
const WALK_LIMIT = 2 ** 31;

/**
 * The merge of A and B (int32 counts, each with one writable slot after its last count, both summing
 * to `total`) into `out`, which needs |A| + |B| + 1 slots; returns the output length.
 */
function walkMerge(
  A: Int32Array,
  am: number,
  B: Int32Array,
  bm: number,
  total: number,
  intersect: boolean,
  out: Int32Array,
): number {
  // The spare slot: a list that has reached its end stays at its last boundary (= total).
  A[am] = 0;
  B[bm] = 0;
  let pa = am > 0 ? A[0]! : 0;
  let pb = bm > 0 ? B[0]! : 0;
  let ia = 1;
  let ib = 1;
  let va = 0;
  let vb = 0;
  let v = 0;
  let last = 0;
  let m = 0;
  for (;;) {
    // tA = pa <= pb, tB = pb <= pa (the sign of an int32 difference), pos = min(pa, pb).
    const tA = ((pb - pa) >>> 31) ^ 1;
    const tB = ((pa - pb) >>> 31) ^ 1;
    const pos = pb + ((pa - pb) & -tA);
    if (pos >= total) break;
    va ^= tA;
    vb ^= tB;
    pa += A[ia]! & -tA;
    ia += tA;
    pb += B[ib]! & -tB;
    ib += tB;
    const next = intersect ? va & vb : va | vb;
    const changed = next ^ v;
    v = next;
    out[m] = pos - last;
    m += changed;
    last += (pos - last) & -changed;
  }
  out[m++] = total - last;
  return m;
}

/** pycocotools' own merge loop, for lists the int32 walk cannot take. */
function stepMerge(
  A: ArrayLike<number>,
  am: number,
  B: ArrayLike<number>,
  bm: number,
  intersect: boolean,
  out: Uint32Array | Int32Array,
): number {
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

/** A count list as the merge reads it: int32 counts with a spare slot after them, their sum, and form. */
interface Operand {
  counts: Int32Array;
  length: number;
  total: number;
  canonical: boolean;
}

/** Two pairs of buffers used in turn (inputs copied in, outputs of fold steps); grown on demand. */
const pool = {
  input: [new Int32Array(1024), new Int32Array(1024)],
  output: [new Int32Array(1024), new Int32Array(1024)],
};

function pooled(kind: 'input' | 'output', k: 0 | 1, n: number): Int32Array {
  const list = pool[kind];
  if (list[k]!.length < n) list[k] = new Int32Array(Math.max(n, 2 * list[k]!.length));
  return list[k]!;
}

/** The counts just parsed into a scratch slot (which has a spare slot after them), read in place. */
function parsedOperand(counts: Uint32Array): Operand {
  const n = counts.length;
  const view = new Int32Array(counts.buffer, counts.byteOffset, n + 1);
  return { counts: view, length: n, total: parsed.total, canonical: parsed.canonical };
}

/** Any count list as an operand, copied into `buf` (n + 1 slots at least). */
function copiedOperand(counts: ArrayLike<number>, buf: Int32Array): Operand {
  const n = counts.length;
  let total = 0;
  let lastZero = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i]!;
    buf[i] = c;
    total += c;
    if (c === 0) lastZero = i;
  }
  return { counts: buf, length: n, total, canonical: lastZero === 0 };
}

/** Merges two operands into `out` (|a| + |b| + 2 slots); the result is an operand over `out`. */
function mergeTwo(a: Operand, b: Operand, intersect: boolean, out: Int32Array): Operand {
  const walk = a.canonical && b.canonical && a.length > 0 && b.length > 0 && a.total < WALK_LIMIT;
  if (walk && a.total !== b.total) {
    // pycocotools would loop forever here.
    throw new Error(`merge: the RLEs cover ${a.total} and ${b.total} pixels; they must cover the same image`);
  }
  if (walk) {
    const m = walkMerge(a.counts, a.length, b.counts, b.length, a.total, intersect, out);
    return { counts: out, length: m, total: a.total, canonical: true };
  }
  const u32 = (x: Int32Array, n: number): Uint32Array => new Uint32Array(x.buffer, x.byteOffset, n);
  const m = stepMerge(u32(a.counts, a.length), a.length, u32(b.counts, b.length), b.length, intersect, out);
  let total = 0;
  for (let i = 0; i < m; i++) total += out[i]! >>> 0;
  return { counts: out, length: m, total, canonical: false };
}

/**
 * Folds operands left to right with pycocotools' merge, into pooled buffers: the result is valid until
 * the next call. `next(i)` gives the i-th operand; it is read fully before next(i + 1) is asked.
 */
function mergeFold(n: number, next: (i: number) => Operand, intersect: boolean): Operand {
  let acc = next(0);
  for (let i = 1; i < n; i++) {
    const b = next(i);
    acc = mergeTwo(acc, b, intersect, pooled('output', (i & 1) as 0 | 1, acc.length + b.length + 2));
  }
  return acc;
}

function asUint32(o: Operand): Uint32Array {
  return new Uint32Array(o.counts.buffer, o.counts.byteOffset, o.length);
}

/**
 * pycocotools `rleMerge`: union (or with `intersect`, intersection) of count lists over one image,
 * folded left to right; a single input comes back as a copy. Throws when the lists cover different
 * pixel totals (pycocotools loops forever there).
 */
export function mergeCounts(all: readonly ArrayLike<number>[], intersect = false): Uint32Array {
  if (all.length === 0) throw new Error('mergeCounts needs at least one RLE');
  if (all.length === 1) return Uint32Array.from(all[0]!);
  const next = (i: number): Operand => {
    const k = i === 0 ? 0 : 1;
    return copiedOperand(all[i]!, pooled('input', k, all[i]!.length + 1));
  };
  return asUint32(mergeFold(all.length, next, intersect)).slice();
}

/**
 * Union of canonical count lists (no zero-length run but maybe the first, as frPoly and encode make
 * them), merged as a balanced tree: O(runs · log n) instead of the left fold's O(runs · n). The union of
 * canonical lists has one canonical list, so this equals pycocotools' fold of rleMerge bit for bit.
 */
export function unionCanonicalCounts(parts: readonly Uint32Array[]): Uint32Array {
  if (parts.length === 0) throw new Error('unionCanonicalCounts needs at least one RLE');
  // Own buffers, not the pool: the tree holds every operand at once.
  let level = parts.map((p) => copiedOperand(p, new Int32Array(p.length + 1)));
  while (level.length > 1) {
    const next: Operand[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const a = level[i]!;
      const b = level[i + 1]!;
      next.push(mergeTwo(a, b, false, new Int32Array(a.length + b.length + 2)));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return asUint32(level[0]!).slice();
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
  const viaWasm = wasmMergeStrings(
    rles.map((r) => r.counts),
    intersect,
  );
  if (viaWasm !== undefined) return { size: [h, w], counts: viaWasm };
  // The first list parses into the second scratch slot: the others reuse the first one in turn.
  const merged = mergeFold(
    rles.length,
    (i) => parsedOperand(parseCountsScratch(rles[i]!.counts, i === 0 ? 1 : 0)),
    intersect,
  );
  return { size: [h, w], counts: countsToString(asUint32(merged)) };
}
