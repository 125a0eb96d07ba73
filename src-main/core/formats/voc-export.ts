import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExportItem, FormatWriter, SplitName, WriterContext } from './export-types';
import { encodeIndexedPng } from './png';
import { type CocoRle, type Geometry } from '@contract';
import { polygonsToRle } from '../segment/rle';
import { forEachRlePixel } from './mask-topology';
import { assertRleSize, geometryBbox, geometryToMask, unionAsGeometry } from './shapes';
import { VOC_VOID_INDEX, vocClassIndices, vocLabelmap, vocPalette } from './voc-palette';

export const escapeXml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/**
 * VOC bndbox: 1-based inclusive pixel indices. A pixel-aligned `[x,y,w,h]` gives xmin=x+1, xmax=x+w
 * (what py-faster-rcnn/Detectron undo with "-1"). Fractional boxes are rounded to the pixel grid and
 * clipped to the image; `truncated` says when clipping happened.
 */
export function vocBndbox(
  bbox: readonly [number, number, number, number],
  widthPx: number,
  heightPx: number,
): { xmin: number; ymin: number; xmax: number; ymax: number; truncated: boolean } | null {
  const [x, y, w, h] = bbox;
  const x0 = Math.round(x);
  const y0 = Math.round(y);
  const x1 = Math.round(x + w);
  const y1 = Math.round(y + h);
  const xmin = Math.min(Math.max(x0, 0), widthPx - 1) + 1;
  const ymin = Math.min(Math.max(y0, 0), heightPx - 1) + 1;
  const xmax = Math.min(Math.max(x1, 1), widthPx);
  const ymax = Math.min(Math.max(y1, 1), heightPx);
  if (xmax < xmin || ymax < ymin || x1 <= x0 || y1 <= y0) return null;
  const truncated = x0 < 0 || y0 < 0 || x1 > widthPx || y1 > heightPx;
  return { xmin, ymin, xmax, ymax, truncated };
}

interface VocObject {
  readonly name: string;
  readonly box: NonNullable<ReturnType<typeof vocBndbox>>;
  readonly difficult: boolean;
}

export function vocXml(
  fileName: string,
  widthPx: number,
  heightPx: number,
  segmented: boolean,
  objects: readonly VocObject[],
): string {
  const lines = [
    '<annotation>',
    '  <folder>JPEGImages</folder>',
    `  <filename>${escapeXml(fileName)}</filename>`,
    '  <source>',
    '    <database>RadioLabel</database>',
    '  </source>',
    '  <size>',
    `    <width>${widthPx}</width>`,
    `    <height>${heightPx}</height>`,
    '    <depth>3</depth>',
    '  </size>',
    `  <segmented>${segmented ? 1 : 0}</segmented>`,
  ];
  for (const o of objects) {
    lines.push(
      '  <object>',
      `    <name>${escapeXml(o.name)}</name>`,
      '    <pose>Unspecified</pose>',
      `    <truncated>${o.box.truncated ? 1 : 0}</truncated>`,
      `    <difficult>${o.difficult ? 1 : 0}</difficult>`,
      '    <bndbox>',
      `      <xmin>${o.box.xmin}</xmin>`,
      `      <ymin>${o.box.ymin}</ymin>`,
      `      <xmax>${o.box.xmax}</xmax>`,
      `      <ymax>${o.box.ymax}</ymax>`,
      '    </bndbox>',
      '  </object>',
    );
  }
  lines.push('</annotation>');
  return lines.join('\n') + '\n';
}

/**
 * The region as an RLE when that needs no full-size raster: masks as they are, polygons whose rings do
 * not overlap (their union, frPoly + merge, then equals the even-odd fill). Null otherwise.
 */
function regionRle(g: Geometry, widthPx: number, heightPx: number): CocoRle | null {
  if (g.kind === 'mask') {
    assertRleSize(g.rle, widthPx, heightPx, 'mask');
    return g.rle;
  }
  if (g.kind !== 'polygon') return null;
  const asUnion = unionAsGeometry(g.rings, widthPx, heightPx);
  return asUnion.kind === 'polygon' ? polygonsToRle(g.rings, heightPx, widthPx) : null;
}

/**
 * Pascal VOC layout: JPEGImages/, Annotations/<stem>.xml, ImageSets/{Main,Segmentation}/{train,val,trainval}.txt,
 * SegmentationClass/ and SegmentationObject/ paletted PNGs (bitget palette, 255 = void; crowd regions
 * are painted void), labelmap.txt. Later annotations paint over earlier ones.
 */
export function createVocWriter(ctx: WriterContext): FormatWriter {
  const names = ctx.labels.map((l) => l.name);
  const classIndices = vocClassIndices(names);
  const classOf = new Map<number, { name: string; index: number }>();
  ctx.labels.forEach((l, i) => classOf.set(l.id, { name: l.name, index: classIndices[i]! }));
  const palette = vocPalette();
  const mainLists: Record<SplitName, string[]> = { train: [], val: [] };
  const segLists: Record<SplitName, string[]> = { train: [], val: [] };
  const dirs = [
    'Annotations',
    'ImageSets/Main',
    'ImageSets/Segmentation',
    'SegmentationClass',
    'SegmentationObject',
  ];
  let madeDirs = false;

  return {
    imageDir: () => 'JPEGImages',
    jpegOnly: true,

    async add(item: ExportItem): Promise<void> {
      if (!madeDirs) {
        for (const d of dirs) await fs.mkdir(path.join(ctx.rootDir, d), { recursive: true });
        madeDirs = true;
      }
      const { image } = item;
      const { widthPx, heightPx } = image;
      const objects: VocObject[] = [];
      let classPng: Uint8Array | null = null;
      let objectPng: Uint8Array | null = null;
      for (const ann of item.annotations) {
        const cls = classOf.get(ann.labelId);
        if (cls === undefined) {
          ctx.count('skippedBadGeometry');
          continue;
        }
        if (ann.geometry.kind === 'point') {
          ctx.count('skippedPoints');
          continue;
        }
        try {
          const box = vocBndbox(geometryBbox(ann.geometry), widthPx, heightPx);
          if (box === null) {
            ctx.count('skippedDegenerate');
            continue;
          }
          const crowd = ann.iscrowd === true;
          objects.push({ name: cls.name, box, difficult: crowd });
          if (ann.geometry.kind === 'box') continue;
          const classIndex = crowd ? VOC_VOID_INDEX : cls.index;
          const objectIndex = objects.length;
          if (objectIndex >= VOC_VOID_INDEX && !crowd) ctx.count('unpaintedObjects');
          const objectValue = crowd ? VOC_VOID_INDEX : objectIndex < VOC_VOID_INDEX ? objectIndex : -1;
          const cp = (classPng ??= new Uint8Array(widthPx * heightPx));
          const op = (objectPng ??= new Uint8Array(widthPx * heightPx));
          const paint = (i: number): void => {
            cp[i] = classIndex;
            if (objectValue >= 0) op[i] = objectValue;
          };
          const rle = regionRle(ann.geometry, widthPx, heightPx);
          if (rle !== null) {
            forEachRlePixel(rle, paint);
          } else {
            const mask = geometryToMask(ann.geometry, widthPx, heightPx);
            if (mask !== null) for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) paint(i);
          }
        } catch {
          ctx.count('skippedBadGeometry');
        }
      }
      const fileName = item.placedPath === null ? image.fileName : path.posix.basename(item.placedPath);
      const segmented = classPng !== null;
      await fs.writeFile(
        path.join(ctx.rootDir, 'Annotations', `${item.stem}.xml`),
        vocXml(fileName, widthPx, heightPx, segmented, objects),
      );
      mainLists[item.split].push(item.stem);
      if (classPng !== null && objectPng !== null) {
        segLists[item.split].push(item.stem);
        await fs.writeFile(
          path.join(ctx.rootDir, 'SegmentationClass', `${item.stem}.png`),
          encodeIndexedPng(classPng, widthPx, heightPx, palette),
        );
        await fs.writeFile(
          path.join(ctx.rootDir, 'SegmentationObject', `${item.stem}.png`),
          encodeIndexedPng(objectPng, widthPx, heightPx, palette),
        );
      }
    },

    async finish(): Promise<void> {
      for (const d of [...dirs, 'JPEGImages']) await fs.mkdir(path.join(ctx.rootDir, d), { recursive: true });
      const list = (stems: readonly string[]): string => (stems.length > 0 ? stems.join('\n') + '\n' : '');
      for (const [folder, lists] of [
        ['Main', mainLists],
        ['Segmentation', segLists],
      ] as const) {
        const base = path.join(ctx.rootDir, 'ImageSets', folder);
        for (const split of ctx.splits)
          await fs.writeFile(path.join(base, `${split}.txt`), list(lists[split]));
        await fs.writeFile(path.join(base, 'trainval.txt'), list([...lists.train, ...lists.val]));
      }
      await fs.writeFile(path.join(ctx.rootDir, 'labelmap.txt'), vocLabelmap(names, classIndices));
    },
    abort: () => Promise.resolve(),
  };
}
