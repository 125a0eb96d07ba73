import fs from 'node:fs/promises';
import path from 'node:path';
import { type Geometry } from '@contract';
import type { ExportItem, FormatWriter, WriterContext } from './export-types';
import { assertRleSize, boxRing, classifyRings, geometryBbox } from './shapes';
import { rleToPolygons } from './mask-topology';

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

/** Twice the signed area (shoelace); 0 for collinear points. */
function ringArea2(xy: readonly number[]): number {
  let a = 0;
  const n = xy.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) a += xy[j * 2]! * xy[i * 2 + 1]! - xy[i * 2]! * xy[j * 2 + 1]!;
  return a;
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

/** Outer rings of a region geometry (holes dropped) and whether holes were dropped. */
function outerRings(
  g: Geometry,
  widthPx: number,
  heightPx: number,
): { rings: number[][]; lostHoles: boolean } {
  switch (g.kind) {
    case 'box':
      return { rings: [boxRing(g.x, g.y, g.widthPx, g.heightPx)], lostHoles: false };
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
      return { rings: [], lostHoles: false };
  }
}

/** The label rows of one image (duplicates removed, as Ultralytics would warn about them). */
export function yoloRows(
  item: Pick<ExportItem, 'image' | 'annotations'>,
  classOf: ReadonlyMap<number, number>,
  task: 'detect' | 'segment',
  count: (key: string, n?: number) => void,
): string[] {
  const { widthPx, heightPx } = item.image;
  const rows = new Set<string>();
  for (const ann of item.annotations) {
    const cls = classOf.get(ann.labelId);
    if (cls === undefined) {
      count('skippedBadGeometry');
      continue;
    }
    if (ann.geometry.kind === 'point') {
      count('skippedPoints');
      continue;
    }
    try {
      if (task === 'detect') {
        const row = yoloDetectRow(cls, geometryBbox(ann.geometry), widthPx, heightPx);
        if (row === null) count('skippedDegenerate');
        else rows.add(row);
        continue;
      }
      const { rings, lostHoles } = outerRings(ann.geometry, widthPx, heightPx);
      if (lostHoles) count('shapesLostHoles');
      if (rings.length === 0) count('skippedEmptyMasks');
      for (const ring of rings) {
        const row = yoloSegmentRow(cls, ring, widthPx, heightPx);
        if (row === null) count('skippedDegenerate');
        else rows.add(row);
      }
    } catch {
      count('skippedBadGeometry');
    }
  }
  return [...rows];
}

/** YAML double-quoted scalar: JSON string syntax is valid YAML. */
const yamlString = (s: string): string => JSON.stringify(s);

export function yoloDataYaml(rootDir: string, names: readonly string[], hasVal: boolean): string {
  const lines = [
    '# Ultralytics YOLO dataset, exported by RadioLabel',
    '# path: the dataset root (remove the line to use the folder of this file)',
    `path: ${yamlString(rootDir)}`,
    'train: images/train',
    // Ultralytics requires a val set; without a split the train images serve as val.
    `val: images/${hasVal ? 'val' : 'train'}`,
    `nc: ${names.length}`,
    names.length === 0 ? 'names: {}' : 'names:',
    ...names.map((n, i) => `  ${i}: ${yamlString(n)}`),
  ];
  return lines.join('\n') + '\n';
}

/** Ultralytics layout: images/{train,val}, labels/{train,val}/<stem>.txt, data.yaml. */
export function createYoloWriter(ctx: WriterContext, task: 'detect' | 'segment'): FormatWriter {
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
      const yaml = yoloDataYaml(
        ctx.finalDir,
        ctx.labels.map((l) => l.name),
        ctx.splits.includes('val'),
      );
      await fs.writeFile(path.join(ctx.rootDir, 'data.yaml'), yaml);
    },
    abort: () => Promise.resolve(),
  };
}
