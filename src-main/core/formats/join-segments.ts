/**
 * One ring out of several parts, the way Ultralytics' COCO converter writes a multi-part instance as a
 * single yolo-seg row (`merge_multi_segment`): consecutive parts are joined at their closest pair of
 * vertices, walking out through each part and back, so the row traces every part and the thin
 * connections between them. The walk is reproduced step for step, including its handling of a middle
 * part whose two joining vertices come in reverse order (it reverses the part but keeps the original
 * indices), so a dataset converted by either tool gets the same rows.
 */

type Pt = readonly [number, number];

function toPoints(ring: readonly number[]): Pt[] {
  const pts: Pt[] = [];
  for (let i = 0; i + 1 < ring.length; i += 2) pts.push([ring[i]!, ring[i + 1]!]);
  return pts;
}

/** Indices (in a, in b) of the closest pair of vertices; ties go to the first in row-major order. */
function closestPair(a: readonly Pt[], b: readonly Pt[]): [number, number] {
  let best = Infinity;
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const dx = a[i]![0] - b[j]![0];
      const dy = a[i]![1] - b[j]![1];
      const d = dx * dx + dy * dy;
      if (d < best) {
        best = d;
        ia = i;
        ib = j;
      }
    }
  }
  return [ia, ib];
}

const roll = (pts: readonly Pt[], shift: number): Pt[] => {
  const n = pts.length;
  const s = ((shift % n) + n) % n;
  return [...pts.slice(s), ...pts.slice(0, s)];
};

/** Flat [x1, y1, …] of the joined ring; a single part is returned as it is. */
export function joinSegments(rings: readonly (readonly number[])[]): number[] {
  if (rings.length === 1) return [...rings[0]!];
  const segs = rings.map(toPoints);
  const idx: number[][] = segs.map(() => []);
  for (let i = 1; i < segs.length; i++) {
    const [a, b] = closestPair(segs[i - 1]!, segs[i]!);
    idx[i - 1]!.push(a);
    idx[i]!.push(b);
  }
  const out: Pt[][] = [];
  const last = segs.length - 1;
  for (let i = 0; i <= last; i++) {
    let id = idx[i]!;
    let seg = segs[i]!;
    if (id.length === 2 && id[0]! > id[1]!) {
      id = [id[1]!, id[0]!];
      seg = [...seg].reverse();
    }
    seg = roll(seg, id[0]!);
    seg = [...seg, seg[0]!];
    segs[i] = seg;
    if (i === 0 || i === last) out.push(seg);
    else out.push(seg.slice(0, id[1]! - id[0]! + 1));
  }
  for (let i = last; i >= 0; i--) {
    if (i === 0 || i === last) continue;
    const id = idx[i]!;
    out.push(segs[i]!.slice(Math.abs(id[1]! - id[0]!)));
  }
  return out.flat().flatMap((p) => [p[0], p[1]]);
}
