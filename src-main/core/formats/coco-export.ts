import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type BoxSegmentation, toCocoShape } from './coco-geometry';
import { groupInstances } from './export-instances';
import type { ExportItem, FormatWriter, SplitName, WriterContext } from './export-types';
import type { ExportLabel } from './source';
import { TextFileWriter } from './text-stream';

interface SplitFiles {
  readonly main: TextFileWriter;
  /** Annotations go to a side file during the single pass and are appended after the images. */
  readonly side: TextFileWriter;
  nextImageId: number;
  nextAnnotationId: number;
}

export function cocoInfo(now: Date): Record<string, unknown> {
  return {
    year: now.getUTCFullYear(),
    version: '1.0',
    description: 'Exported by RadioLabel',
    contributor: '',
    url: '',
    date_created: now.toISOString(),
  };
}

/**
 * COCO category ids for the labels, in label order: the id a label came with (COCO ids have gaps),
 * otherwise the next id above all kept ones (1, 2, … when none is kept). Id 0 is not kept: trainers
 * read it as background.
 */
export function cocoCategoryIds(
  labels: readonly ExportLabel[],
  count: (key: string) => void,
): Map<number, number> {
  const kept = new Set<number>();
  const ids = new Map<number, number>();
  for (const l of labels) {
    if (l.categoryId === null) continue;
    if (l.categoryId === 0) {
      count('categoryIdZero');
      continue;
    }
    if (kept.has(l.categoryId)) continue;
    kept.add(l.categoryId);
    ids.set(l.id, l.categoryId);
  }
  let next = kept.size === 0 ? 1 : Math.max(...kept) + 1;
  for (const l of labels) if (!ids.has(l.id)) ids.set(l.id, next++);
  return ids;
}

/**
 * COCO instances JSON, one `annotations/instances_<split>.json` per split, streamed: images are written
 * as they come, annotations to a side file that is appended at the end. Image and annotation ids start
 * at 1; categories are every label (used or not) in label order with its category id and supercategory.
 * Crowds are RLE; attributes follow CVAT's convention (`attributes: {occluded, rotation, …}`).
 */
export function createCocoWriter(ctx: WriterContext, boxSegmentation: BoxSegmentation): FormatWriter {
  const files = new Map<SplitName, SplitFiles>();
  const categoryOf = cocoCategoryIds(ctx.labels, (k) => ctx.count(k));
  const annDir = path.join(ctx.rootDir, 'annotations');
  const shapeOptions = { segmentation: ctx.segmentation, boxSegmentation };

  async function open(split: SplitName): Promise<SplitFiles> {
    const existing = files.get(split);
    if (existing) return existing;
    await fs.mkdir(annDir, { recursive: true });
    const main = new TextFileWriter(path.join(annDir, `instances_${split}.json`));
    const side = new TextFileWriter(path.join(ctx.rootDir, `.annotations_${split}.part`));
    const entry: SplitFiles = { main, side, nextImageId: 1, nextAnnotationId: 1 };
    files.set(split, entry);
    const categories = ctx.labels.map((l) =>
      JSON.stringify({ id: categoryOf.get(l.id), name: l.name, supercategory: l.supercategory }),
    );
    await main.write(
      `{\n"info": ${JSON.stringify(cocoInfo(ctx.now))},\n"licenses": [],\n"categories": [\n${categories.join(',\n')}\n],\n"images": [`,
    );
    return entry;
  }

  return {
    imageDir: (split) => `images/${split}`,

    async add(item: ExportItem): Promise<void> {
      const f = await open(item.split);
      const { image } = item;
      const imageId = f.nextImageId++;
      const fileName = item.placedPath === null ? image.absolutePath : path.posix.basename(item.placedPath);
      const imageRecord = { id: imageId, width: image.widthPx, height: image.heightPx, file_name: fileName };
      await f.main.write(`${imageId === 1 ? '\n' : ',\n'}${JSON.stringify(imageRecord)}`);
      const { instances, others } = groupInstances(item.annotations);
      for (const other of others) ctx.count(`skipped:${other.geometry.kind}`);
      for (const inst of instances) {
        const categoryId = categoryOf.get(inst.labelId);
        if (categoryId === undefined) {
          ctx.count('skippedBadGeometry');
          continue;
        }
        let shape;
        try {
          shape = toCocoShape(inst, shapeOptions, image.widthPx, image.heightPx);
        } catch {
          ctx.count('skippedBadGeometry');
          continue;
        }
        if (shape.kind === 'skip') {
          ctx.count('skippedEmptyMasks');
          continue;
        }
        if (shape.lostHoles) ctx.count('shapesLostHoles');
        if (inst.members.length > 1) ctx.count('mergedGroups');
        const annId = f.nextAnnotationId++;
        const attributes: Record<string, unknown> = { occluded: false, ...inst.attributes };
        if (shape.rotationDeg !== null) attributes.rotation = shape.rotationDeg;
        const record = {
          id: annId,
          image_id: imageId,
          category_id: categoryId,
          ...(shape.segmentation === null ? {} : { segmentation: shape.segmentation }),
          area: shape.area,
          bbox: shape.bbox,
          iscrowd: inst.iscrowd ? 1 : 0,
          ...(inst.score === null ? {} : { score: inst.score }),
          attributes,
        };
        await f.side.write(`${annId === 1 ? '\n' : ',\n'}${JSON.stringify(record)}`);
      }
    },

    async finish(): Promise<void> {
      for (const split of ctx.splits) await open(split);
      for (const f of files.values()) {
        await f.main.write(`${f.nextImageId > 1 ? '\n' : ''}],\n"annotations": [`);
        await f.side.close();
        for await (const chunk of createReadStream(f.side.filePath, { encoding: 'utf8' })) {
          await f.main.write(chunk as string);
        }
        await fs.rm(f.side.filePath);
        await f.main.write(`${f.nextAnnotationId > 1 ? '\n' : ''}]\n}\n`);
        await f.main.close();
      }
    },

    async abort(): Promise<void> {
      for (const f of files.values()) {
        await f.main.abort();
        await f.side.abort();
      }
    },
  };
}
