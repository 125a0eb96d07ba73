import fs from 'node:fs/promises';
import path from 'node:path';
import { type Attributes, type Geometry } from '@contract';
import { rotatedBoxCorners } from '@shared/geometry';
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
  shape_type: 'polygon' | 'rectangle' | 'point' | 'mask' | 'line' | 'linestrip' | 'oriented_rectangle';
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

/** Boolean attributes as labelme shape flags, the text attribute `description` as its description. */
function withAttributes(s: LabelmeShape, attributes: Attributes): LabelmeShape {
  const flags: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(attributes)) if (typeof v === 'boolean') flags[k] = v;
  const description = typeof attributes.description === 'string' ? attributes.description : s.description;
  return { ...s, flags, description };
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

/**
 * labelme shapes of one annotation (none for an image tag: tags are image flags). `group` is the
 * annotation's group; `nextGroup` hands out a fresh one for a polygon in several parts.
 */
export function labelmeShapes(
  label: string,
  g: Geometry,
  widthPx: number,
  heightPx: number,
  group: number | null,
  nextGroup: () => number,
): LabelmeShape[] {
  switch (g.kind) {
    case 'box':
      return [
        shape(
          label,
          'rectangle',
          [
            [g.x, g.y],
            [g.x + g.widthPx, g.y + g.heightPx],
          ],
          group,
        ),
      ];
    case 'rotated_box':
      return [shape(label, 'oriented_rectangle', ringPoints(rotatedBoxCorners(g)), group)];
    case 'point':
      return [shape(label, 'point', [[g.x, g.y]], group)];
    case 'polyline':
      return [shape(label, g.points.length === 4 ? 'line' : 'linestrip', ringPoints(g.points), group)];
    case 'tag':
      return [];
    case 'polygon': {
      const { outers, holes } = classifyRings(g.rings);
      if (holes.length > 0) {
        // labelme polygons cannot hold holes; a mask keeps them.
        const m = maskShape(label, polygonsToMask(g.rings, widthPx, heightPx), widthPx, heightPx);
        return m ? [{ ...m, group_id: group }] : [];
      }
      const parts = outers.length > 1 && group === null ? nextGroup() : group;
      return outers.map((ring) => shape(label, 'polygon', ringPoints(ring), parts));
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
      return [shape(label, 'mask', points, group, png)];
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
      // Fresh groups for multi-part polygons are numbered above the groups the image already has.
      let group = Math.max(0, ...item.annotations.map((a) => a.groupId ?? 0));
      const shapes: LabelmeShape[] = [];
      const flags: Record<string, boolean> = {};
      for (const ann of item.annotations) {
        const label = nameOf.get(ann.labelId);
        if (label === undefined) {
          ctx.count('skippedBadGeometry');
          continue;
        }
        if (ann.geometry.kind === 'tag') {
          flags[label] = true;
          continue;
        }
        try {
          const s = labelmeShapes(
            label,
            ann.geometry,
            image.widthPx,
            image.heightPx,
            ann.groupId,
            () => ++group,
          );
          if (s.length === 0) ctx.count('skippedEmptyMasks');
          shapes.push(...s.map((one) => withAttributes(one, ann.attributes)));
        } catch {
          ctx.count('skippedBadGeometry');
        }
      }
      const doc = {
        version: LABELME_VERSION,
        flags,
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
