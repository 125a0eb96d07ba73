/**
 * Bench masks for `npm run bench -- peers`, made deterministically: "clean" = smooth blobs with holes
 * and islands in the holes (what a brush or a good model gives), "noisy" = the same blobs with ragged
 * edges plus 0.5 % speckle over the whole image (a raw, thresholded heat map). Row-major, values 0/1.
 */

export interface MaskCase {
  readonly id: string;
  readonly label: string;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly kind: 'clean' | 'noisy';
  /** The mask, and a shifted copy to merge / IoU with. */
  readonly a: Uint8Array;
  readonly b: Uint8Array;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Fills an elliptic ring (outer radii rx, ry; hole at `holeFrac` of them) whose edge is jittered. */
function paintBlob(
  mask: Uint8Array,
  w: number,
  h: number,
  blob: { cx: number; cy: number; rx: number; ry: number; holeFrac: number; ragged: Float64Array | null },
): void {
  const { cx, cy, rx, ry, holeFrac, ragged } = blob;
  const bins = ragged?.length ?? 1;
  const x0 = Math.max(0, Math.floor(cx - rx * 1.2));
  const x1 = Math.min(w, Math.ceil(cx + rx * 1.2));
  const y0 = Math.max(0, Math.floor(cy - ry * 1.2));
  const y1 = Math.min(h, Math.ceil(cy + ry * 1.2));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const dx = (x + 0.5 - cx) / rx;
      const dy = (y + 0.5 - cy) / ry;
      let d = Math.sqrt(dx * dx + dy * dy);
      if (ragged) {
        const bin = Math.floor(((Math.atan2(dy, dx) + Math.PI) / (2 * Math.PI)) * bins) % bins;
        d /= ragged[bin]!;
      }
      if (d < 1 && d >= holeFrac) mask[y * w + x] = 1;
      else if (d < holeFrac * 0.35) mask[y * w + x] = 1; // an island inside the hole
    }
  }
}

function makeMask(w: number, h: number, kind: 'clean' | 'noisy', seed: number): Uint8Array {
  const r = rng(seed);
  const mask = new Uint8Array(w * h);
  const side = Math.min(w, h);
  for (let i = 0; i < 7; i++) {
    let ragged: Float64Array | null = null;
    if (kind === 'noisy') {
      ragged = new Float64Array(1440);
      for (let k = 0; k < ragged.length; k++) ragged[k] = 0.93 + r() * 0.14;
    }
    paintBlob(mask, w, h, {
      cx: w * (0.12 + 0.76 * r()),
      cy: h * (0.12 + 0.76 * r()),
      rx: side * (0.07 + 0.13 * r()),
      ry: side * (0.07 + 0.13 * r()),
      holeFrac: i % 3 === 2 ? 0 : 0.3 + 0.3 * r(),
      ragged,
    });
  }
  if (kind === 'noisy') {
    const flips = Math.floor(w * h * 0.005);
    for (let k = 0; k < flips; k++) mask[Math.floor(r() * w * h)]! ^= 1;
  }
  return mask;
}

/** The mask moved right by dx pixels (background enters at the left). */
function shifted(mask: Uint8Array, w: number, h: number, dx: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(mask.subarray(y * w, y * w + w - dx), y * w + dx);
  return out;
}

export const SIZES: readonly (readonly [number, number])[] = [
  [640, 480],
  [1920, 1080],
  [1918, 1080],
  [4096, 4096],
];

export function makeCases(): MaskCase[] {
  const out: MaskCase[] = [];
  let seed = 1;
  for (const [w, h] of SIZES) {
    for (const kind of ['clean', 'noisy'] as const) {
      const a = makeMask(w, h, kind, seed++);
      out.push({
        id: `${w}x${h}-${kind}`,
        label: `${w}×${h} ${kind}`,
        widthPx: w,
        heightPx: h,
        kind,
        a,
        b: shifted(a, w, h, Math.max(1, Math.round(w * 0.02))),
      });
    }
  }
  return out;
}
