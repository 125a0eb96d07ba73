import { type Geometry, asAnnotationId, asImageId, asLabelId } from '@contract';
import { type Annotation } from '../../../src-renderer/model/annotation';
import { createDoc, type AnnotationDoc } from '../../../src-renderer/model/document';
import { bitmapToRle, emptyMaskBitmap, strokeBitmap } from '../../../src-renderer/model/mask-bitmap';

export const IMAGE = asImageId(1);
export const LABEL_A = asLabelId(1);
export const LABEL_B = asLabelId(2);

export function box(x: number, y: number, w: number, h: number): Geometry {
  return { kind: 'box', x, y, widthPx: w, heightPx: h };
}

export function square(x: number, y: number, size: number): Geometry {
  return { kind: 'polygon', rings: [[x, y, x + size, y, x + size, y + size, x, y + size]] };
}

/** A filled disc as a mask on a w×h image. */
export function discMask(cx: number, cy: number, r: number, w = 64, h = 48): Geometry {
  const bm = strokeBitmap(emptyMaskBitmap(w, h), { x: cx, y: cy }, { x: cx, y: cy }, r, 1);
  return { kind: 'mask', rle: bitmapToRle(bm) };
}

export function ann(id: number, geometry: Geometry, extra: Partial<Annotation> = {}): Annotation {
  return {
    id: asAnnotationId(id),
    labelId: LABEL_A,
    geometry,
    score: null,
    source: 'manual',
    iscrowd: false,
    attributes: {},
    groupId: null,
    hidden: false,
    locked: false,
    ...extra,
  };
}

export function docOf(...annotations: Annotation[]): AnnotationDoc {
  return createDoc(IMAGE, annotations);
}

export { seededRandom as rng } from '../../../src-main/core/random';
