import fs from 'node:fs/promises';
import path from 'node:path';
import { type AttributeValue, type Attributes } from '@contract';
import { type ExportInstance, groupInstances, instanceExtent } from './export-instances';
import type { ExportItem, FormatWriter, SplitName, WriterContext } from './export-types';
import { forEachRlePixel } from './mask-topology';
import { encodeIndexedPng } from './png';
import { regionRle } from './shapes';
import { IGNORE_LABEL, VOC_VOID_INDEX, vocClassIndices, vocLabelmap, vocPalette } from './voc-palette';
import { escapeXml } from './xml-tree';

export { escapeXml };

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
  readonly truncated: boolean;
  readonly occluded: boolean | null;
  readonly pose: string;
  /** Other attributes, written in the `<attributes>` element Datumaro and CVAT read. */
  readonly extra: readonly [string, AttributeValue][];
}

/** The VOC fields of an object from its attributes (VOC's own ones are elements, the rest extra). */
function vocFields(
  attributes: Attributes,
): Pick<VocObject, 'pose' | 'extra'> & { difficult: boolean; truncated: boolean; occluded: boolean | null } {
  const extra: [string, AttributeValue][] = [];
  let pose = 'Unspecified';
  let difficult = false;
  let truncated = false;
  let occluded: boolean | null = null;
  for (const [k, v] of Object.entries(attributes)) {
    if (k === 'difficult' && typeof v === 'boolean') difficult = v;
    else if (k === 'truncated' && typeof v === 'boolean') truncated = v;
    else if (k === 'occluded' && typeof v === 'boolean') occluded = v;
    else if (k === 'pose' && typeof v === 'string') pose = v;
    else extra.push([k, v]);
  }
  return { pose, extra, difficult, truncated, occluded };
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
      `    <pose>${escapeXml(o.pose)}</pose>`,
      `    <truncated>${o.truncated ? 1 : 0}</truncated>`,
      `    <difficult>${o.difficult ? 1 : 0}</difficult>`,
      ...(o.occluded === null ? [] : [`    <occluded>${o.occluded ? 1 : 0}</occluded>`]),
      '    <bndbox>',
      `      <xmin>${o.box.xmin}</xmin>`,
      `      <ymin>${o.box.ymin}</ymin>`,
      `      <xmax>${o.box.xmax}</xmax>`,
      `      <ymax>${o.box.ymax}</ymax>`,
      '    </bndbox>',
    );
    if (o.extra.length > 0) {
      lines.push('    <attributes>');
      for (const [k, v] of o.extra) {
        lines.push(
          '      <attribute>',
          `        <name>${escapeXml(k)}</name>`,
          `        <value>${escapeXml(String(v))}</value>`,
          '      </attribute>',
        );
      }
      lines.push('    </attributes>');
    }
    lines.push('  </object>');
  }
  lines.push('</annotation>');
  return lines.join('\n') + '\n';
}

/** The XML box of an instance: its box member when it has one (VOC's own box), else the extent of all. */
function instanceBbox(inst: ExportInstance): [number, number, number, number] {
  const box = inst.members.find((m) => m.geometry.kind === 'box');
  return instanceExtent(inst, box === undefined ? inst.members : [box]);
}

/** Pixels of an instance for the segmentation PNGs: its non-box members (a lone box is not painted). */
function paintInstance(
  inst: ExportInstance,
  widthPx: number,
  heightPx: number,
  paint: (i: number) => void,
): boolean {
  const regions = inst.members.filter((m) => m.geometry.kind !== 'box');
  for (const m of regions) {
    const rle = regionRle(m.geometry, widthPx, heightPx);
    if (rle !== null) forEachRlePixel(rle, paint);
  }
  return regions.length > 0;
}

/**
 * Pascal VOC layout: JPEGImages/, Annotations/<stem>.xml, ImageSets/{Main,Segmentation}/{train,val,trainval}.txt,
 * SegmentationClass/ and SegmentationObject/ paletted PNGs (bitget palette, 255 = void: crowd regions
 * and shapes labelled `__ignore__`, as labelme2voc paints them), labelmap.txt. A group (a box and a mask
 * of one object, as VOC import makes them) is one object. Later objects paint over earlier ones.
 */
export function createVocWriter(ctx: WriterContext): FormatWriter {
  const classLabels = ctx.labels.filter((l) => l.name !== IGNORE_LABEL);
  const names = classLabels.map((l) => l.name);
  const classIndices = vocClassIndices(names);
  const classOf = new Map<number, { name: string; index: number }>();
  classLabels.forEach((l, i) => classOf.set(l.id, { name: l.name, index: classIndices[i]! }));
  const ignoreIds = new Set(ctx.labels.filter((l) => l.name === IGNORE_LABEL).map((l) => l.id as number));
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
      const pngs = (): [Uint8Array, Uint8Array] => [
        (classPng ??= new Uint8Array(widthPx * heightPx)),
        (objectPng ??= new Uint8Array(widthPx * heightPx)),
      ];
      const { instances, others } = groupInstances(item.annotations);
      for (const other of others) ctx.count(`skipped:${other.geometry.kind}`);
      for (const inst of instances) {
        try {
          if (ignoreIds.has(inst.labelId)) {
            // labelme2voc's __ignore__: void in both PNGs, no object.
            const [cp, op] = pngs();
            paintInstance(inst, widthPx, heightPx, (i) => {
              cp[i] = VOC_VOID_INDEX;
              op[i] = VOC_VOID_INDEX;
            });
            continue;
          }
          const cls = classOf.get(inst.labelId);
          if (cls === undefined) {
            ctx.count('skippedBadGeometry');
            continue;
          }
          const box = vocBndbox(instanceBbox(inst), widthPx, heightPx);
          if (box === null) {
            ctx.count('skippedDegenerate');
            continue;
          }
          const crowd = inst.iscrowd;
          const fields = vocFields(inst.attributes);
          objects.push({
            name: cls.name,
            box,
            ...fields,
            difficult: fields.difficult || crowd,
            truncated: fields.truncated || box.truncated,
          });
          if (!inst.members.some((m) => m.geometry.kind !== 'box')) continue;
          const classIndex = crowd ? VOC_VOID_INDEX : cls.index;
          const objectIndex = objects.length;
          if (objectIndex >= VOC_VOID_INDEX && !crowd) ctx.count('unpaintedObjects');
          const objectValue = crowd ? VOC_VOID_INDEX : objectIndex < VOC_VOID_INDEX ? objectIndex : -1;
          const [cp, op] = pngs();
          paintInstance(inst, widthPx, heightPx, (i) => {
            cp[i] = classIndex;
            if (objectValue >= 0) op[i] = objectValue;
          });
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
