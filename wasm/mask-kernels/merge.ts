import { parseInto, parsedCanonical, parsedTotal, writeString } from './counts';
import { align16, ensure, OUT_OF_MEMORY, setResult } from './heap';

/**
 * pycocotools rleMerge of counts strings: the branch-free walk over run boundaries of
 * src-shared/mask/rle-merge.ts, folded left to right, then the string. Lists the walk does not take
 * (non-canonical, unequal totals, 2^31 pixels or more) answer FALLBACK: JS runs the TS merge, which
 * handles them like pycocotools.
 */

export const FALLBACK: i32 = 1;

/** Positions at or above this do not fit the walk's i32 arithmetic. */
const WALK_LIMIT: f64 = 2147483648;

function walk(A: usize, am: i32, B: usize, bm: i32, total: i32, intersect: bool, out: usize): i32 {
  // One spare slot after each list: a list at its end stays at its last boundary (= total).
  store<i32>(A + ((<usize>am) << 2), 0);
  store<i32>(B + ((<usize>bm) << 2), 0);
  let pa = load<i32>(A);
  let pb = load<i32>(B);
  let ia: i32 = 1;
  let ib: i32 = 1;
  let va: i32 = 0;
  let vb: i32 = 0;
  let v: i32 = 0;
  let last: i32 = 0;
  let m: i32 = 0;
  while (true) {
    const tA = <i32>(pa <= pb);
    const tB = <i32>(pb <= pa);
    const pos = select<i32>(pa, pb, tA);
    if (pos >= total) break;
    va ^= tA;
    vb ^= tB;
    pa += load<i32>(A + ((<usize>ia) << 2)) & -tA;
    ia += tA;
    pb += load<i32>(B + ((<usize>ib) << 2)) & -tB;
    ib += tB;
    const next = intersect ? va & vb : va | vb;
    const changed = next ^ v;
    v = next;
    store<i32>(out + ((<usize>m) << 2), pos - last);
    m += changed;
    last = select<i32>(pos, last, changed);
  }
  store<i32>(out + ((<usize>m) << 2), total - last);
  return m + 1;
}

/**
 * Merges `count` strings listed at `table` as (address, length) i32 pairs, each string followed by two
 * 0 bytes; the merged string is left at resultPtr, resultLen bytes. Returns 0, FALLBACK, or a parse or
 * memory status (negative).
 */
export function mergeStrings(table: usize, count: i32, intersect: bool, heap: usize): i32 {
  let sumLen: usize = 0;
  let maxLen: usize = 0;
  for (let i: i32 = 0; i < count; i++) {
    const len = <usize>load<i32>(table + 8 * <usize>i + 4);
    sumLen += len;
    if (len > maxLen) maxLen = len;
  }
  // Every merged run ends at a run end of an input: at most sumLen + count runs.
  const accSlots = sumLen + <usize>count + 2;
  let acc = align16(heap);
  let other = align16(acc + 4 * accSlots);
  const next = align16(other + 4 * accSlots);
  const str = align16(next + 4 * (maxLen + 2));
  if (!ensure(str + 7 * accSlots + 16)) return OUT_OF_MEMORY;
  let m = parseInto(<usize>load<i32>(table), load<i32>(table + 4), acc);
  if (m < 0) return m;
  const total = parsedTotal;
  if (!parsedCanonical || m === 0 || total >= WALK_LIMIT) return FALLBACK;
  for (let i: i32 = 1; i < count; i++) {
    const bm = parseInto(<usize>load<i32>(table + 8 * <usize>i), load<i32>(table + 8 * <usize>i + 4), next);
    if (bm < 0) return bm;
    if (!parsedCanonical || bm === 0 || parsedTotal !== total) return FALLBACK;
    m = walk(acc, m, next, bm, <i32>total, intersect, other);
    const t = acc;
    acc = other;
    other = t;
  }
  setResult(str, writeString(acc, m, str));
  return 0;
}
