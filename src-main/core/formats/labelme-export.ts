import fs from 'node:fs/promises';
import path from 'node:path';
import { type Geometry } from '@contract';
import { polygonsToMask } from '../segment/contours';
import type { ExportItem, FormatWriter, WriterContext } from './export-types';
import { encodeGrayPng } from './png';
import { assertRleSize, classifyRings, decodeRleCropped, maskPixelBounds } from './shapes';

/** The labelme version whose file layout we write (shape_type, description, mask). */
export const LABELME_VERSION = '5.5.0';

export interface LabelmeShape {
  label: string;
  points: number[][];
  group_id: number | null;
  description: string;
  shape_type: 'polygon' | 'rectangle' | 'point' | 'mask';
  flags: Record<string, boolean>;
  mask: string | null;
}

function shape(
  label: string,
  shapeType: LabelmeShape['shape_type'],
  points: number[][],
  groupId: number | null = null,
  mask: string | null = null,
): LabelmeShape {
  return { label, points, group_id: groupId, description: '', shape_type: shapeType, flags: {}, mask };
}

const ringPoints = (ring: readonly number[]): number[][] => {
  const pts: number[][] = [];
  for (let i = 0; i + 1 < ring.length; i += 2) pts.push([ring[i]!, ring[i + 1]!]);
  return pts;
};

/**
 * labelme mask shape: the PNG is cropped to the mask's pixel bbox and the two points are the inclusive
 * integer corners (labelme pastes it at mask[y1:y2+1, x1:x2+1]). Null for an empty mask.
 */
export function maskShape(
  label: string,
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
): LabelmeShape | null {
  const b = maskPixelBounds(mask, widthPx, heightPx);
  if (b === null) return null;
  const [x0, y0, x1, y1] = b;
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const crop = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) crop[y * cw + x] = mask[(y + y0) * widthPx + x + x0] === 0 ? 0 : 1;
  }
  const png = encodeGrayPng(crop, cw, ch).toString('base64');
  return shape(
    label,
    'mask',
    [
      [x0, y0],
      [x1, y1],
    ],
    null,
    png,
  );
}

/** labelme shapes of one annotation. `nextGroup` hands out group ids for multi-part polygons. */
export function labelmeShapes(
  label: string,
  g: Geometry,
  widthPx: number,
  heightPx: number,
  nextGroup: () => number,
): LabelmeShape[] {
  switch (g.kind) {
    case 'box':
      return [
        shape(label, 'rectangle', [
          [g.x, g.y],
          [g.x + g.widthPx, g.y + g.heightPx],
        ]),
      ];
    case 'point':
      return [shape(label, 'point', [[g.x, g.y]])];
    case 'polygon': {
      const { outers, holes } = classifyRings(g.rings);
      if (holes.length > 0) {
        // labelme polygons cannot hold holes; a mask keeps them.
        const m = maskShape(label, polygonsToMask(g.rings, widthPx, heightPx), widthPx, heightPx);
        return m ? [m] : [];
      }
      const group = outers.length > 1 ? nextGroup() : null;
      return outers.map((ring) => shape(label, 'polygon', ringPoints(ring), group));
    }
    case 'mask': {
      assertRleSize(g.rle, widthPx, heightPx, 'mask');
      const crop = decodeRleCropped(g.rle);
      if (crop === null) return [];
      const { x0, y0 } = crop;
      const points = [
        [x0, y0],
        [x0 + crop.widthPx - 1, y0 + crop.heightPx - 1],
      ];
      const png = encodeGrayPng(crop.mask, crop.widthPx, crop.heightPx).toString('base64');
      return [shape(label, 'mask', points, null, png)];
    }
  }
}

/** One labelme JSON per image, next to its image (in `train/`, `val/` when split). */
export function createLabelmeWriter(ctx: WriterContext): FormatWriter {
  const nameOf = new Map<number, string>();
  for (const l of ctx.labels) nameOf.set(l.id, l.name);
  const imageDir = (split: string): string => (ctx.splits.length > 1 ? split : '');
  const made = new Set<string>();
  return {
    imageDir,
    async add(item: ExportItem): Promise<void> {
      const dir = imageDir(item.split);
      const absDir = path.join(ctx.rootDir, dir);
      if (!made.has(absDir)) {
        await fs.mkdir(absDir, { recursive: true });
        made.add(absDir);
      }
      const { image } = item;
      const imagePath =
        item.placedPath === null
          ? path.relative(path.join(ctx.finalDir, dir), image.absolutePath).split(path.sep).join('/')
          : path.posix.basename(item.placedPath);
      let group = 0;
      const shapes: LabelmeShape[] = [];
      for (const ann of item.annotations) {
        const label = nameOf.get(ann.labelId);
        if (label === undefined) {
          ctx.count('skippedBadGeometry');
          continue;
        }
        try {
          const s = labelmeShapes(label, ann.geometry, image.widthPx, image.heightPx, () => ++group);
          if (s.length === 0) ctx.count('skippedEmptyMasks');
          shapes.push(...s);
        } catch {
          ctx.count('skippedBadGeometry');
        }
      }
      const doc = {
        version: LABELME_VERSION,
        flags: {},
        shapes,
        imagePath,
        imageData: null,
        imageHeight: Math.round(image.heightPx),
        imageWidth: Math.round(image.widthPx),
      };
      await fs.writeFile(path.join(absDir, `${item.stem}.json`), JSON.stringify(doc, null, 2) + '\n');
    },
    finish: () => Promise.resolve(),
    abort: () => Promise.resolve(),
  };
}
