import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { toCocoShape } from './coco-geometry';
import type { ExportItem, FormatWriter, SplitName, WriterContext } from './export-types';
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
 * COCO instances JSON, one `annotations/instances_<split>.json` per split, streamed: images are written
 * as they come, annotations to a side file that is appended at the end. Ids start at 1 everywhere;
 * category ids follow the label order.
 */
export function createCocoWriter(ctx: WriterContext): FormatWriter {
  const files = new Map<SplitName, SplitFiles>();
  const categoryOf = new Map<number, number>();
  ctx.labels.forEach((l, i) => categoryOf.set(l.id, i + 1));
  const annDir = path.join(ctx.rootDir, 'annotations');

  async function open(split: SplitName): Promise<SplitFiles> {
    const existing = files.get(split);
    if (existing) return existing;
    await fs.mkdir(annDir, { recursive: true });
    const main = new TextFileWriter(path.join(annDir, `instances_${split}.json`));
    const side = new TextFileWriter(path.join(ctx.rootDir, `.annotations_${split}.part`));
    const entry: SplitFiles = { main, side, nextImageId: 1, nextAnnotationId: 1 };
    files.set(split, entry);
    const categories = ctx.labels.map((l, i) =>
      JSON.stringify({ id: i + 1, name: l.name, supercategory: '' }),
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
      for (const ann of item.annotations) {
        const categoryId = categoryOf.get(ann.labelId);
        if (categoryId === undefined) {
          ctx.count('skippedBadGeometry');
          continue;
        }
        let shape;
        try {
          shape = toCocoShape(ann.geometry, ctx.segmentation, image.widthPx, image.heightPx);
        } catch {
          ctx.count('skippedBadGeometry');
          continue;
        }
        if (shape.kind === 'skip') {
          ctx.count(shape.reason === 'point' ? 'skippedPoints' : 'skippedEmptyMasks');
          continue;
        }
        if (shape.lostHoles) ctx.count('shapesLostHoles');
        const annId = f.nextAnnotationId++;
        const record = {
          id: annId,
          image_id: imageId,
          category_id: categoryId,
          segmentation: shape.segmentation,
          area: shape.area,
          bbox: shape.bbox,
          iscrowd: ann.iscrowd === true ? 1 : 0,
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
