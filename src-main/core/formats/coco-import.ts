import path from 'node:path';
import { type CocoRle, type Geometry } from '@contract';
import { uncompressedToRle, validateRle } from '../segment/rle';
import { unionAsGeometry } from './shapes';
import { DEFAULT_MAX_JSON_BYTES, isFile, parseJson, readTextLimited } from './files';
import type { ErrorList, ParsedAnnotation, ParsedImage, ReaderOptions } from './import-types';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isPosInt = (v: unknown): v is number => isInt(v) && v > 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

interface CocoImage {
  readonly fileName: string;
  readonly widthPx: number;
  readonly heightPx: number;
}

/** Polygon list → rings, or the reason it is not a valid COCO polygon segmentation. */
export function cocoPolygonRings(seg: unknown[]): number[][] | string {
  const rings: number[][] = [];
  for (let k = 0; k < seg.length; k++) {
    const poly = seg[k];
    if (!Array.isArray(poly)) return `segmentation[${k}] is not a list of numbers`;
    if (!poly.every(isNum)) return `segmentation[${k}] holds a value that is not a finite number`;
    // cocoapi#369: a 4-number "polygon" is read as a bbox by pycocotools; refuse it rather than guess.
    if (poly.length < 6) return `segmentation[${k}] has ${poly.length} numbers, a polygon needs at least 6`;
    if (poly.length % 2 !== 0) return `segmentation[${k}] has an odd number of coordinates (${poly.length})`;
    rings.push(poly);
  }
  return rings;
}

/** RLE dict (compressed or uncompressed counts) → compressed RLE checked to cover h·w pixels. */
export function cocoRle(seg: Json, img: CocoImage): CocoRle | string {
  const size = seg.size;
  if (!Array.isArray(size) || size.length !== 2 || !isPosInt(size[0]) || !isPosInt(size[1])) {
    return 'segmentation.size must be [height, width] (positive integers)';
  }
  const [h, w] = size as [number, number];
  if (h !== img.heightPx || w !== img.widthPx) {
    return `segmentation.size [${h},${w}] does not match the image's [height,width] [${img.heightPx},${img.widthPx}]`;
  }
  let rle: CocoRle;
  if (typeof seg.counts === 'string') {
    rle = { size: [h, w], counts: seg.counts };
  } else if (Array.isArray(seg.counts)) {
    if (!seg.counts.every((c) => isInt(c) && c >= 0)) {
      return 'segmentation.counts must hold non-negative integers';
    }
    try {
      rle = uncompressedToRle({ size: [h, w], counts: seg.counts as number[] });
    } catch (e) {
      return `segmentation.counts: ${e instanceof Error ? e.message : String(e)}`;
    }
  } else {
    return 'segmentation.counts must be a string (compressed RLE) or a list of integers';
  }
  const problem = validateRle(rle);
  return problem === null ? rle : `segmentation: ${problem}`;
}

function parseBbox(v: unknown): [number, number, number, number] | string {
  if (!Array.isArray(v) || v.length !== 4 || !v.every(isNum))
    return 'bbox must be 4 finite numbers [x,y,w,h]';
  const [x, y, w, h] = v as [number, number, number, number];
  if (w < 0 || h < 0) return `bbox has a negative size (${w}×${h})`;
  return [x, y, w, h];
}

/** One COCO annotation → geometry (polygon, mask or, without segmentation, box), or the reason it is refused. */
export function cocoAnnotationGeometry(ann: Json, img: CocoImage): Geometry | string {
  const seg = ann.segmentation;
  if (Array.isArray(seg) && seg.length > 0) {
    const rings = cocoPolygonRings(seg);
    return typeof rings === 'string' ? rings : unionAsGeometry(rings, img.widthPx, img.heightPx);
  }
  if (isObject(seg)) {
    const rle = cocoRle(seg, img);
    return typeof rle === 'string' ? rle : { kind: 'mask', rle };
  }
  if (seg !== undefined && seg !== null && !Array.isArray(seg)) {
    return 'segmentation must be a list of polygons or an RLE object';
  }
  const bbox = parseBbox(ann.bbox);
  if (typeof bbox === 'string') return bbox;
  return { kind: 'box', x: bbox[0], y: bbox[1], widthPx: bbox[2], heightPx: bbox[3] };
}

/**
 * Reads a COCO instances (or results) JSON. Images are yielded with their annotations; each bad image,
 * category or annotation is reported with its index and skipped.
 */
export async function* readCoco(
  file: string,
  errors: ErrorList,
  options: ReaderOptions,
): AsyncIterable<ParsedImage> {
  const display = path.basename(file);
  const doc = parseJson(
    await readTextLimited(file, options.maxFileBytes ?? DEFAULT_MAX_JSON_BYTES, display),
    display,
  );
  if (!isObject(doc))
    throw new Error(`${display}: expected a JSON object with images, annotations and categories`);
  const { images, annotations, categories } = doc;
  if (!Array.isArray(images)) throw new Error(`${display}: "images" must be a list`);
  if (!Array.isArray(categories)) throw new Error(`${display}: "categories" must be a list`);
  if (annotations !== undefined && !Array.isArray(annotations)) {
    throw new Error(`${display}: "annotations" must be a list`);
  }

  const categoryName = new Map<number, string>();
  categories.forEach((c, i) => {
    if (!isObject(c) || !isInt(c.id) || typeof c.name !== 'string' || c.name.trim() === '') {
      errors.add(`${display}: categories[${i}]: needs an integer "id" and a non-empty string "name"`);
      return;
    }
    categoryName.set(c.id, c.name);
  });

  const imageById = new Map<number, CocoImage>();
  const order: number[] = [];
  images.forEach((im, i) => {
    if (!isObject(im) || !isInt(im.id) || typeof im.file_name !== 'string' || im.file_name === '') {
      errors.add(`${display}: images[${i}]: needs an integer "id" and a string "file_name"`);
      return;
    }
    if (!isPosInt(im.width) || !isPosInt(im.height)) {
      errors.add(
        `${display}: images[${i}] (${im.file_name}): "width" and "height" must be positive integers`,
      );
      return;
    }
    if (imageById.has(im.id)) {
      errors.add(`${display}: images[${i}]: duplicate image id ${im.id}`);
      return;
    }
    imageById.set(im.id, { fileName: im.file_name, widthPx: im.width, heightPx: im.height });
    order.push(im.id);
  });

  const byImage = new Map<number, ParsedAnnotation[]>();
  (annotations ?? []).forEach((ann: unknown, i: number) => {
    const where = `${display}: annotations[${i}]`;
    if (!isObject(ann)) {
      errors.add(`${where}: not an object`);
      return;
    }
    const img = isInt(ann.image_id) ? imageById.get(ann.image_id) : undefined;
    if (img === undefined) {
      errors.add(`${where}: image_id ${JSON.stringify(ann.image_id)} is not an image of this file`);
      return;
    }
    const labelName = isInt(ann.category_id) ? categoryName.get(ann.category_id) : undefined;
    if (labelName === undefined) {
      errors.add(`${where}: category_id ${JSON.stringify(ann.category_id)} is not a category of this file`);
      return;
    }
    const crowd = ann.iscrowd ?? 0;
    if (crowd !== 0 && crowd !== 1 && crowd !== true && crowd !== false) {
      errors.add(`${where}: iscrowd must be 0 or 1, got ${JSON.stringify(crowd)}`);
      return;
    }
    const geometry = cocoAnnotationGeometry(ann, img);
    if (typeof geometry === 'string') {
      errors.add(`${where}: ${geometry}`);
      return;
    }
    let list = byImage.get(ann.image_id as number);
    if (!list) byImage.set(ann.image_id as number, (list = []));
    list.push({
      labelName,
      geometry,
      normalized: false,
      iscrowd: crowd === 1 || crowd === true,
      score: isNum(ann.score) ? ann.score : null,
      where,
    });
  });

  const baseDir = path.dirname(file);
  const split = /instances_([^./\\]+)\.json$/i.exec(file)?.[1];
  for (const id of order) {
    const img = imageById.get(id)!;
    const rel = img.fileName.replace(/\\/g, '/');
    // Images usually sit beside the annotations folder (images/<split>/) or next to the file.
    const candidates = [
      path.resolve(baseDir, rel),
      path.resolve(baseDir, '..', rel),
      path.resolve(baseDir, '..', 'images', rel),
      ...(split === undefined ? [] : [path.resolve(baseDir, '..', 'images', split, rel)]),
    ];
    const findLocalFile = async (): Promise<string | undefined> => {
      for (const c of candidates) if (await isFile(c)) return c;
      return undefined;
    };
    yield {
      ref: {
        display: img.fileName,
        fileName: path.posix.basename(rel),
        relativePath: rel,
        findLocalFile,
        widthPx: img.widthPx,
        heightPx: img.heightPx,
      },
      annotations: byImage.get(id) ?? [],
    };
  }
}
