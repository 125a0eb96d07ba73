import { asAnnotationId, asImageId, asLabelId, type LabelId } from '@contract';
import { type Annotation } from '../../src-renderer/model/annotation';
import { createDoc, type AnnotationDoc } from '../../src-renderer/model/document';
import { bitmapToRle, emptyMaskBitmap, strokeBitmap } from '../../src-renderer/model/mask-bitmap';
import { seededRandom } from '../../src-main/core/random';

export const IMAGE_W = 3840;
export const IMAGE_H = 2160;
export const POLYGONS = 1000;
export const MASKS = 100;

export const LABEL_COLORS = [
  '#e6194b',
  '#3cb44b',
  '#ffe119',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#46f0f0',
  '#f032e6',
];

export function labelColor(id: LabelId): string {
  return LABEL_COLORS[(id - 1) % LABEL_COLORS.length] ?? '#ffffff';
}

const rng = seededRandom;

function ring(cx: number, cy: number, r: number, n: number, rand: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i / n) * Math.PI * 2;
    const rr = r * (0.6 + 0.4 * rand());
    out.push(cx + Math.cos(a) * rr, cy + Math.sin(a) * rr);
  }
  return out;
}

/** 1,000 polygons (every tenth with a hole) and 100 masks with holes, deterministic. */
export function makeScene(): AnnotationDoc {
  const rand = rng(42);
  const anns: Annotation[] = [];
  let id = 1;
  for (let i = 0; i < POLYGONS; i++) {
    const cx = 60 + rand() * (IMAGE_W - 120);
    const cy = 60 + rand() * (IMAGE_H - 120);
    const r = 20 + rand() * 50;
    const rings = [ring(cx, cy, r, 8 + Math.floor(rand() * 16), rand)];
    if (i % 10 === 0) rings.push(ring(cx, cy, r * 0.3, 6, rand));
    anns.push({
      id: asAnnotationId(id++),
      labelId: asLabelId(1 + (i % LABEL_COLORS.length)),
      geometry: { kind: 'polygon', rings },
      score: null,
      source: 'manual',
      iscrowd: false,
      attributes: {},
      groupId: null,
      hidden: false,
      locked: false,
    });
  }
  for (let i = 0; i < MASKS; i++) {
    const cx = 150 + rand() * (IMAGE_W - 300);
    const cy = 150 + rand() * (IMAGE_H - 300);
    const r = 40 + rand() * 100;
    let bm = strokeBitmap(
      emptyMaskBitmap(IMAGE_W, IMAGE_H),
      { x: cx - r / 2, y: cy },
      { x: cx + r / 2, y: cy },
      r,
      1,
    );
    bm = strokeBitmap(bm, { x: cx, y: cy }, { x: cx, y: cy }, r / 3, 0);
    anns.push({
      id: asAnnotationId(id++),
      labelId: asLabelId(1 + (i % LABEL_COLORS.length)),
      geometry: { kind: 'mask', rle: bitmapToRle(bm) },
      score: 0.9,
      source: 'text',
      iscrowd: false,
      attributes: {},
      groupId: null,
      hidden: false,
      locked: false,
    });
  }
  return createDoc(asImageId(1), anns);
}

/** A 4k test image (gradients and blobs) as an object URL. */
export async function makeImageUrl(): Promise<string> {
  const canvas = document.createElement('canvas');
  canvas.width = IMAGE_W;
  canvas.height = IMAGE_H;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  const grad = ctx.createLinearGradient(0, 0, IMAGE_W, IMAGE_H);
  grad.addColorStop(0, '#203040');
  grad.addColorStop(1, '#a08060');
  ctx.fillStyle = grad;
  ctx.fillRect(0, 0, IMAGE_W, IMAGE_H);
  const rand = rng(7);
  for (let i = 0; i < 400; i++) {
    ctx.fillStyle = `hsl(${Math.floor(rand() * 360)},60%,${30 + Math.floor(rand() * 40)}%)`;
    ctx.beginPath();
    ctx.arc(rand() * IMAGE_W, rand() * IMAGE_H, 10 + rand() * 120, 0, Math.PI * 2);
    ctx.fill();
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  if (!blob) throw new Error('could not encode the test image');
  return URL.createObjectURL(blob);
}
