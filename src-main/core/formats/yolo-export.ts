import fs from 'node:fs/promises';
import path from 'node:path';
import { Document } from 'yaml';
import { type Geometry } from '@contract';
import { minAreaRect, ringArea2, rotatedBoxCorners } from '@shared/geometry';
import { type ExportInstance, groupInstances, instanceExtent } from './export-instances';
import type { ExportItem, FormatWriter, WriterContext } from './export-types';
import { joinSegments } from './join-segments';
import { rleToPolygons } from './mask-topology';
import { assertRleSize, boxRing, classifyRings } from './shapes';

export type YoloTask = 'detect' | 'segment' | 'obb';

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
/** 6 decimals, clamped to [0,1] (Ultralytics drops images with values outside [-0.01, 1.01]). */
export const yoloNumber = (v: number): string => clamp01(v).toFixed(6);

/** A detect row `class cx cy w h`, clipped to the image; null when nothing of the box is inside it. */
export function yoloDetectRow(
  classIndex: number,
  bbox: readonly [number, number, number, number],
  widthPx: number,
  heightPx: number,
): string | null {
  const x0 = clamp01(bbox[0] / widthPx);
  const y0 = clamp01(bbox[1] / heightPx);
  const x1 = clamp01((bbox[0] + bbox[2]) / widthPx);
  const y1 = clamp01((bbox[1] + bbox[3]) / heightPx);
  const w = yoloNumber(x1 - x0);
  const h = yoloNumber(y1 - y0);
  if (Number(w) === 0 || Number(h) === 0) return null;
  return `${classIndex} ${yoloNumber((x0 + x1) / 2)} ${yoloNumber((y0 + y1) / 2)} ${w} ${h}`;
}

/** A segment row `class x1 y1 … xn yn`; null when fewer than 3 distinct points (or no area) remain after rounding. */
export function yoloSegmentRow(
  classIndex: number,
  ring: readonly number[],
  widthPx: number,
  heightPx: number,
): string | null {
  const pts: string[] = [];
  const seen = new Set<string>();
  let prev = '';
  for (let i = 0; i + 1 < ring.length; i += 2) {
    const p = `${yoloNumber(ring[i]! / widthPx)} ${yoloNumber(ring[i + 1]! / heightPx)}`;
    if (p === prev) continue;
    pts.push(p);
    seen.add(p);
    prev = p;
  }
  if (pts.length > 1 && pts[0] === pts[pts.length - 1]) pts.pop();
  if (seen.size < 3 || pts.length < 3 || ringArea2(pts.join(' ').split(' ').map(Number)) === 0) return null;
  return `${classIndex} ${pts.join(' ')}`;
}

/** An OBB row `class x1 y1 x2 y2 x3 y3 x4 y4` (the corners, normalised); null for a degenerate box. */
export function yoloObbRow(
  classIndex: number,
  corners: readonly number[],
  widthPx: number,
  heightPx: number,
): string | null {
  if (Math.abs(ringArea2(corners)) < 1e-9) return null;
  const values: string[] = [];
  for (let i = 0; i + 1 < corners.length; i += 2) {
    values.push(yoloNumber(corners[i]! / widthPx), yoloNumber(corners[i + 1]! / heightPx));
  }
  return `${classIndex} ${values.join(' ')}`;
}

/** Outer rings of a region geometry (holes dropped) and whether holes were dropped. */
function outerRings(
  g: Geometry,
  widthPx: number,
  heightPx: number,
): { rings: number[][]; lostHoles: boolean } {
  switch (g.kind) {
    case 'box':
      return { rings: [boxRing(g.x, g.y, g.widthPx, g.heightPx)], lostHoles: false };
    case 'rotated_box':
      return { rings: [rotatedBoxCorners(g)], lostHoles: false };
    case 'polygon': {
      const { outers, holes } = classifyRings(g.rings);
      return { rings: outers, lostHoles: holes.length > 0 };
    }
    case 'mask': {
      assertRleSize(g.rle, widthPx, heightPx, 'mask');
      const parts = rleToPolygons(g.rle);
      return { rings: parts.map((p) => p.outer), lostHoles: parts.some((p) => p.holes.length > 0) };
    }
    case 'point':
    case 'polyline':
    case 'tag':
      return { rings: [], lostHoles: false };
  }
}

/** The corners of an instance as an oriented box: its own for a single (rotated) box, else the smallest rectangle around it. */
function obbCorners(
  inst: ExportInstance,
  widthPx: number,
  heightPx: number,
  count: (k: string) => void,
): number[] | null {
  const only = inst.members.length === 1 ? inst.members[0]!.geometry : null;
  if (only?.kind === 'rotated_box') return rotatedBoxCorners(only);
  if (only?.kind === 'box') return boxRing(only.x, only.y, only.widthPx, only.heightPx);
  const pts = inst.members.flatMap((m) => outerRings(m.geometry, widthPx, heightPx).rings.flat());
  const rect = minAreaRect(pts);
  if (rect === null) return null;
  count('obbFromRegions');
  return rotatedBoxCorners(rect);
}

/**
 * The label rows of one image (duplicates removed, as Ultralytics would warn about them). One row per
 * instance: a group's shapes, or a shape in several parts, are joined into one segment row the way
 * Ultralytics' converter does. Crowd regions are left out, as Ultralytics' converter does.
 */
export function yoloRows(
  item: Pick<ExportItem, 'image' | 'annotations'>,
  classOf: ReadonlyMap<number, number>,
  task: YoloTask,
  count: (key: string, n?: number) => void,
): string[] {
  const { widthPx, heightPx } = item.image;
  const rows = new Set<string>();
  const { instances, others } = groupInstances(item.annotations);
  for (const other of others) count(`skipped:${other.geometry.kind}`);
  for (const inst of instances) {
    const cls = classOf.get(inst.labelId);
    if (cls === undefined) {
      count('skippedBadGeometry');
      continue;
    }
    if (inst.iscrowd) {
      count('skippedCrowds');
      continue;
    }
    let row: string | null;
    try {
      switch (task) {
        case 'detect':
          row = yoloDetectRow(cls, instanceExtent(inst), widthPx, heightPx);
          break;
        case 'obb': {
          const corners = obbCorners(inst, widthPx, heightPx, count);
          row = corners === null ? null : yoloObbRow(cls, corners, widthPx, heightPx);
          break;
        }
        case 'segment': {
          const parts = inst.members.map((m) => outerRings(m.geometry, widthPx, heightPx));
          if (parts.some((p) => p.lostHoles)) count('shapesLostHoles');
          const rings = parts.flatMap((p) => p.rings);
          if (rings.length === 0) {
            count('skippedEmptyMasks');
            continue;
          }
          if (rings.length > 1) count('joinedParts');
          row = yoloSegmentRow(cls, joinSegments(rings), widthPx, heightPx);
          break;
        }
      }
    } catch {
      count('skippedBadGeometry');
      continue;
    }
    if (row === null) count('skippedDegenerate');
    else rows.add(row);
  }
  return [...rows];
}

/** Ultralytics data.yaml, written with a YAML library (names quoted as YAML needs). */
export function yoloDataYaml(rootDir: string, names: readonly string[], hasVal: boolean): string {
  const doc = new Document({
    path: rootDir,
    train: 'images/train',
    // Ultralytics requires a val set; without a split the train images serve as val.
    val: `images/${hasVal ? 'val' : 'train'}`,
    nc: names.length,
    names: new Map(names.map((n, i) => [i, n])),
  });
  doc.commentBefore =
    ' Ultralytics YOLO dataset, exported by RadioLabel\n path: the dataset root (remove the line to use the folder of this file)';
  // Ultralytics reads YAML 1.1 (PyYAML), where a bare `yes` or `on` is a boolean: quote every string.
  return doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}

/** Ultralytics layout: images/{train,val}, labels/{train,val}/<stem>.txt, data.yaml (and classes.txt). */
export function createYoloWriter(ctx: WriterContext, task: YoloTask): FormatWriter {
  const classOf = new Map<number, number>();
  ctx.labels.forEach((l, i) => classOf.set(l.id, i));
  const made = new Set<string>();
  return {
    imageDir: (split) => `images/${split}`,
    async add(item: ExportItem): Promise<void> {
      const dir = path.join(ctx.rootDir, 'labels', item.split);
      if (!made.has(dir)) {
        await fs.mkdir(dir, { recursive: true });
        made.add(dir);
      }
      const rows = yoloRows(item, classOf, task, ctx.count);
      await fs.writeFile(path.join(dir, `${item.stem}.txt`), rows.length > 0 ? rows.join('\n') + '\n' : '');
    },
    async finish(): Promise<void> {
      for (const split of ctx.splits) {
        await fs.mkdir(path.join(ctx.rootDir, 'images', split), { recursive: true });
        await fs.mkdir(path.join(ctx.rootDir, 'labels', split), { recursive: true });
      }
      const names = ctx.labels.map((l) => l.name);
      await fs.writeFile(
        path.join(ctx.rootDir, 'data.yaml'),
        yoloDataYaml(ctx.finalDir, names, ctx.splits.includes('val')),
      );
    },
    abort: () => Promise.resolve(),
  };
}
