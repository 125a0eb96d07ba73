import path from 'node:path';
import { parseLooseBoolean, type CocoRle, type Geometry } from '@contract';
import { uncompressedToRle, validateRle } from '../segment/rle';
import { isFile } from './files';
import type { ErrorList, ImportEvent, ParsedAnnotation, ReaderOptions } from './import-types';
import { readMember, scanTopLevelMembers, streamArrayElements } from './json-stream';
import { unionAsGeometry } from './shapes';
import type { LabelDecl } from './source';

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
    if (!Array.isArray(poly)) return `segmentation[${k}]: not a list of numbers`;
    if (!poly.every(isNum)) return `segmentation[${k}]: holds a value that is not a finite number`;
    // cocoapi#369: a 4-number "polygon" is read as a bbox by pycocotools; refuse it rather than guess.
    if (poly.length < 6) return `segmentation[${k}]: has ${poly.length} numbers, a polygon needs at least 6`;
    if (poly.length % 2 !== 0) return `segmentation[${k}]: has an odd number of coordinates (${poly.length})`;
    rings.push(poly);
  }
  return rings;
}

/** RLE dict (compressed or uncompressed counts) → compressed RLE checked to cover h·w pixels. */
export function cocoRle(seg: Json, img: CocoImage): CocoRle | string {
  const size = seg.size;
  if (!Array.isArray(size) || size.length !== 2 || !isPosInt(size[0]) || !isPosInt(size[1])) {
    return 'segmentation.size: must be [height, width] (positive integers)';
  }
  const [h, w] = size as [number, number];
  if (h !== img.heightPx || w !== img.widthPx) {
    return `segmentation.size: [${h},${w}] does not match the image's [height,width] [${img.heightPx},${img.widthPx}]`;
  }
  let rle: CocoRle;
  if (typeof seg.counts === 'string') {
    rle = { size: [h, w], counts: seg.counts };
  } else if (Array.isArray(seg.counts)) {
    if (!seg.counts.every((c) => isInt(c) && c >= 0)) {
      return 'segmentation.counts: must hold non-negative integers';
    }
    try {
      rle = uncompressedToRle({ size: [h, w], counts: seg.counts as number[] });
    } catch (e) {
      return `segmentation.counts: ${e instanceof Error ? e.message : String(e)}`;
    }
  } else {
    return 'segmentation.counts: must be a string (compressed RLE) or a list of integers';
  }
  const problem = validateRle(rle);
  return problem === null ? rle : `segmentation.counts: ${problem}`;
}

function parseBbox(v: unknown): [number, number, number, number] | string {
  if (!Array.isArray(v) || v.length !== 4 || !v.every(isNum))
    return 'bbox: must be 4 finite numbers [x,y,w,h]';
  const [x, y, w, h] = v as [number, number, number, number];
  if (w < 0 || h < 0) return `bbox: has a negative size (${w}×${h})`;
  return [x, y, w, h];
}

/** The four-corner polygon RadioLabel (and pycocotools' loadRes) writes for a box: exactly the bbox. */
function isBoxPolygon(rings: readonly number[][], bbox: unknown): boolean {
  const ring = rings[0];
  if (rings.length !== 1 || ring === undefined || ring.length !== 8) return false;
  const b = parseBbox(bbox);
  if (typeof b === 'string') return false;
  const [x, y, w, h] = b;
  const expected = [x, y, x + w, y, x + w, y + h, x, y + h];
  return ring.every((v, i) => Math.abs(v - expected[i]!) < 1e-6);
}

export interface CocoShape {
  readonly geometry: Geometry;
  /** Four polygon corners with a `rotation` attribute: a rotated box when they form a rectangle. */
  readonly orientedBox: boolean;
}

/**
 * One COCO annotation → geometry (polygon, mask, box or rotated box), or the reason it is refused. A
 * box written as its four-corner polygon comes back as a box; CVAT's `attributes.rotation` on a box
 * makes it a rotated box.
 */
export function cocoAnnotationGeometry(ann: Json, img: CocoImage, rotationDeg: number): CocoShape | string {
  const seg = ann.segmentation;
  if (Array.isArray(seg) && seg.length > 0) {
    const rings = cocoPolygonRings(seg);
    if (typeof rings === 'string') return rings;
    if (rotationDeg === 0 && isBoxPolygon(rings, ann.bbox)) {
      const [x, y, w, h] = parseBbox(ann.bbox) as [number, number, number, number];
      return { geometry: { kind: 'box', x, y, widthPx: w, heightPx: h }, orientedBox: false };
    }
    const oriented = rotationDeg !== 0 && rings.length === 1 && rings[0]!.length === 8;
    return { geometry: unionAsGeometry(rings, img.widthPx, img.heightPx), orientedBox: oriented };
  }
  if (isObject(seg)) {
    const rle = cocoRle(seg, img);
    return typeof rle === 'string' ? rle : { geometry: { kind: 'mask', rle }, orientedBox: false };
  }
  if (seg !== undefined && seg !== null && !Array.isArray(seg)) {
    return 'segmentation: must be a list of polygons or an RLE object';
  }
  const bbox = parseBbox(ann.bbox);
  if (typeof bbox === 'string') return bbox;
  const [x, y, w, h] = bbox;
  if (rotationDeg !== 0) {
    // CVAT/Datumaro write a rotated box as its unrotated bbox plus attributes.rotation.
    return {
      geometry: { kind: 'rotated_box', cx: x + w / 2, cy: y + h / 2, widthPx: w, heightPx: h, rotationDeg },
      orientedBox: false,
    };
  }
  return { geometry: { kind: 'box', x, y, widthPx: w, heightPx: h }, orientedBox: false };
}

/** iscrowd as tools write it: 0/1, true/false, "0"/"1", "false"/"true"; missing or null is 0. */
export function cocoIscrowd(v: unknown): boolean | null {
  if (v === undefined || v === null) return false;
  return parseLooseBoolean(v);
}

interface Categories {
  readonly decls: LabelDecl[];
  readonly nameOf: Map<number, string>;
}

function readCategories(list: unknown, display: string, errors: ErrorList): Categories {
  if (!Array.isArray(list)) throw new Error(`${display}: "categories" must be a list`);
  const decls: LabelDecl[] = [];
  const nameOf = new Map<number, string>();
  const idOfName = new Map<string, number>();
  list.forEach((c: unknown, i) => {
    const where = `${display}: categories[${i}]`;
    if (!isObject(c)) return errors.add(`${where}: not an object`);
    if (!isInt(c.id) || c.id < 0)
      return errors.add(`${where}: id: must be a non-negative integer, got ${JSON.stringify(c.id)}`);
    if (typeof c.name !== 'string' || c.name.trim() === '')
      return errors.add(`${where}: name: must be a non-empty string`);
    if (nameOf.has(c.id))
      return errors.add(`${where}: id: ${c.id} repeats an earlier category; this one is left out`);
    const name = c.name.trim();
    nameOf.set(c.id, name);
    const earlier = idOfName.get(name.toLowerCase());
    if (earlier !== undefined) {
      errors.add(
        `${where}: name: "${name}" is also category ${earlier}; annotations of both become label "${name}"`,
      );
      return;
    }
    idOfName.set(name.toLowerCase(), c.id);
    decls.push({
      name,
      categoryId: c.id,
      ...(typeof c.supercategory === 'string' ? { supercategory: c.supercategory } : {}),
    });
  });
  return { decls, nameOf };
}

function readImage(im: unknown, i: number, display: string, errors: ErrorList): [number, CocoImage] | null {
  const where = `${display}: images[${i}]`;
  if (!isObject(im) || !isInt(im.id) || typeof im.file_name !== 'string' || im.file_name === '') {
    errors.add(`${where}: needs an integer "id" and a string "file_name"`);
    return null;
  }
  if (!isPosInt(im.width) || !isPosInt(im.height)) {
    errors.add(`${where} (${im.file_name}): width, height: must be positive integers`);
    return null;
  }
  return [im.id, { fileName: im.file_name, widthPx: im.width, heightPx: im.height }];
}

/** The CVAT `attributes` object, with `rotation` taken out (it is geometry). */
function attributesOf(ann: Json): { attributes?: Record<string, unknown>; rotationDeg: number } {
  if (!isObject(ann.attributes)) return { rotationDeg: 0 };
  const { rotation, ...rest } = ann.attributes;
  return { attributes: rest, rotationDeg: isNum(rotation) ? rotation : 0 };
}

/**
 * Reads a COCO instances (or results) JSON of any size. The top-level members are located first, so
 * categories and images are read before annotations wherever they sit in the file; annotations are
 * then streamed one by one, each checked with plain type tests (no schema object per annotation).
 * Categories become labels with their ids, order and supercategory, used or not. Each bad image,
 * category or annotation is reported with its index and the field, and skipped.
 */
export async function* readCoco(
  file: string,
  errors: ErrorList,
  _options: ReaderOptions,
): AsyncGenerator<ImportEvent, void, undefined> {
  const display = path.basename(file);
  const members = await scanTopLevelMembers(file, display);
  const imagesRange = members.get('images');
  const categoriesRange = members.get('categories');
  const annotationsRange = members.get('annotations');
  if (imagesRange === undefined || imagesRange.first !== 0x5b)
    throw new Error(`${display}: "images" must be a list`);
  if (categoriesRange === undefined || categoriesRange.first !== 0x5b)
    throw new Error(`${display}: "categories" must be a list`);
  if (annotationsRange !== undefined && annotationsRange.first !== 0x5b)
    throw new Error(`${display}: "annotations" must be a list`);

  const categories = readCategories(await readMember(file, categoriesRange, display), display, errors);
  yield { kind: 'labels', labels: categories.decls };

  const imageById = new Map<number, CocoImage>();
  const baseDir = path.dirname(file);
  const split = /instances_([^./\\]+)\.json$/i.exec(file)?.[1];
  let i = 0;
  for await (const im of streamArrayElements(file, imagesRange, display)) {
    const parsed = readImage(im, i, display, errors);
    i++;
    if (parsed === null) continue;
    const [id, img] = parsed;
    if (imageById.has(id)) {
      errors.add(`${display}: images[${i - 1}]: id: ${id} repeats an earlier image; this one is left out`);
      continue;
    }
    imageById.set(id, img);
    const rel = img.fileName.replace(/\\/g, '/');
    // Images usually sit beside the annotations folder (images/<split>/) or next to the file.
    const candidates = [
      path.resolve(baseDir, rel),
      path.resolve(baseDir, '..', rel),
      path.resolve(baseDir, '..', 'images', rel),
      ...(split === undefined ? [] : [path.resolve(baseDir, '..', 'images', split, rel)]),
    ];
    yield {
      kind: 'image',
      key: String(id),
      ref: {
        display: img.fileName,
        fileName: path.posix.basename(rel),
        relativePath: rel,
        findLocalFile: async () => {
          for (const c of candidates) if (await isFile(c)) return c;
          return undefined;
        },
        widthPx: img.widthPx,
        heightPx: img.heightPx,
      },
      annotations: [],
    };
  }

  if (annotationsRange === undefined) return;
  const keypointsIn = new Map<string, number>();
  let k = 0;
  for await (const ann of streamArrayElements(file, annotationsRange, display)) {
    const index = k++;
    const parsed = readAnnotation(ann, index, display, imageById, categories, errors);
    if (parsed === null) continue;
    if (parsed.keypoints)
      keypointsIn.set(parsed.annotation.labelName, (keypointsIn.get(parsed.annotation.labelName) ?? 0) + 1);
    yield { kind: 'annotation', imageKey: parsed.imageKey, annotation: parsed.annotation };
  }
  if (keypointsIn.size > 0) {
    const total = [...keypointsIn.values()].reduce((a, b) => a + b, 0);
    const which = [...keypointsIn.keys()].map((n) => JSON.stringify(n)).join(', ');
    errors.add(
      `${display}: ${total} annotation(s) carry keypoints (${which}); RadioLabel does not import keypoints yet, so they were left out (the boxes and segmentations of those annotations were imported)`,
    );
  }
}

function readAnnotation(
  ann: unknown,
  index: number,
  display: string,
  imageById: ReadonlyMap<number, CocoImage>,
  categories: Categories,
  errors: ErrorList,
): { imageKey: string; annotation: ParsedAnnotation; keypoints: boolean } | null {
  let where = `${display}: annotations[${index}]`;
  if (!isObject(ann)) {
    errors.add(`${where}: not an object`);
    return null;
  }
  if (ann.id !== undefined) where += ` (id ${JSON.stringify(ann.id)})`;
  const img = isInt(ann.image_id) ? imageById.get(ann.image_id) : undefined;
  if (img === undefined) {
    errors.add(`${where}: image_id: ${JSON.stringify(ann.image_id)} is not an image of this file`);
    return null;
  }
  const labelName = isInt(ann.category_id) ? categories.nameOf.get(ann.category_id) : undefined;
  if (labelName === undefined) {
    errors.add(`${where}: category_id: ${JSON.stringify(ann.category_id)} is not a category of this file`);
    return null;
  }
  const crowd = cocoIscrowd(ann.iscrowd);
  if (crowd === null) {
    errors.add(`${where}: iscrowd: must be 0 or 1 (or true/false), got ${JSON.stringify(ann.iscrowd)}`);
    return null;
  }
  const { attributes, rotationDeg } = attributesOf(ann);
  const shape = cocoAnnotationGeometry(ann, img, rotationDeg);
  if (typeof shape === 'string') {
    errors.add(`${where}: ${shape}`);
    return null;
  }
  // A keypoint is labelled when its visibility (every third number) is not 0.
  const keypoints =
    Array.isArray(ann.keypoints) && ann.keypoints.some((v, j) => j % 3 === 2 && isNum(v) && v > 0);
  return {
    imageKey: String(ann.image_id),
    keypoints,
    annotation: {
      labelName,
      geometry: shape.geometry,
      normalized: false,
      iscrowd: crowd,
      score: isNum(ann.score) ? ann.score : null,
      ...(attributes === undefined ? {} : { attributes }),
      ...(shape.orientedBox ? { orientedBox: true } : {}),
      where,
    },
  };
}
