import { type Geometry, GeometrySchema, type LabelId } from '@contract';
import { AppError } from '../errors';
import { readCoco } from './coco-import';
import { ImageMatcher } from './image-matcher';
import { ErrorList, type ParsedAnnotation, type ParsedImage, type ReaderOptions } from './import-types';
import { readLabelme } from './labelme-import';
import { geometryKey } from './shapes';
import type { ImportResult, ImportSink, NewAnnotation, ProgressFn, ProjectImageRef } from './source';
import { readYolo } from './yolo-import';

export type ImportFormat = 'coco' | 'yolo' | 'labelme';

export interface ImportOptions extends ReaderOptions {
  readonly format: ImportFormat;
  /** COCO: the JSON file. YOLO: the dataset folder or its data.yaml. labelme: a JSON file or a folder. */
  readonly path: string;
  readonly onProgress?: ProgressFn;
  readonly signal?: AbortSignal;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** How far (px) coordinates may stray outside the image before they count as an error; within it they are clamped. */
const EDGE_TOLERANCE_PX = 1;

function readerFor(options: ImportOptions, errors: ErrorList): AsyncIterable<ParsedImage> {
  switch (options.format) {
    case 'coco':
      return readCoco(options.path, errors, options);
    case 'yolo':
      return readYolo(options.path, errors, options);
    case 'labelme':
      return readLabelme(options.path, errors, options);
  }
}

const clampTo = (v: number, max: number): number => (v < 0 ? 0 : v > max ? max : v);

function scaleRing(ring: readonly number[], sx: number, sy: number): number[] {
  return ring.map((v, i) => v * (i % 2 === 0 ? sx : sy));
}

/**
 * Puts a parsed geometry on the project image: scales normalised coordinates, checks that it lies in the
 * image (within a 1 px tolerance, then clamped) and that masks have the image's size. Returns the
 * geometry or the reason it was refused.
 */
export function placeGeometry(pa: ParsedAnnotation, image: ProjectImageRef): Geometry | string {
  const W = image.widthPx;
  const H = image.heightPx;
  const sx = pa.normalized ? W : 1;
  const sy = pa.normalized ? H : 1;
  const outside = (x: number, y: number): boolean =>
    !(
      x >= -EDGE_TOLERANCE_PX &&
      x <= W + EDGE_TOLERANCE_PX &&
      y >= -EDGE_TOLERANCE_PX &&
      y <= H + EDGE_TOLERANCE_PX
    );
  const outsideMsg = (x: number, y: number): string =>
    `${pa.where}: point (${x}, ${y}) lies outside the ${W}×${H} image`;
  let g: Geometry;
  const src = pa.geometry;
  switch (src.kind) {
    case 'box': {
      const x0 = src.x * sx;
      const y0 = src.y * sy;
      const w = src.widthPx * sx;
      const h = src.heightPx * sy;
      const x1 = x0 + w;
      const y1 = y0 + h;
      if (outside(x0, y0)) return outsideMsg(x0, y0);
      if (outside(x1, y1)) return outsideMsg(x1, y1);
      const cx0 = clampTo(x0, W);
      const cy0 = clampTo(y0, H);
      const cx1 = clampTo(x1, W);
      const cy1 = clampTo(y1, H);
      // Keep the size as given unless clipping changed it (x1 - x0 adds rounding noise).
      g = {
        kind: 'box',
        x: cx0,
        y: cy0,
        widthPx: cx0 === x0 && cx1 === x1 ? w : cx1 - cx0,
        heightPx: cy0 === y0 && cy1 === y1 ? h : cy1 - cy0,
      };
      break;
    }
    case 'polygon': {
      const rings: number[][] = [];
      for (const ring of src.rings) {
        const r = scaleRing(ring, sx, sy);
        for (let i = 0; i + 1 < r.length; i += 2) {
          if (outside(r[i]!, r[i + 1]!)) return outsideMsg(r[i]!, r[i + 1]!);
          r[i] = clampTo(r[i]!, W);
          r[i + 1] = clampTo(r[i + 1]!, H);
        }
        rings.push(r);
      }
      g = { kind: 'polygon', rings };
      break;
    }
    case 'point': {
      const x = src.x * sx;
      const y = src.y * sy;
      if (outside(x, y)) return outsideMsg(x, y);
      g = { kind: 'point', x: clampTo(x, W), y: clampTo(y, H) };
      break;
    }
    case 'mask':
      if (src.rle.size[0] !== H || src.rle.size[1] !== W) {
        return `${pa.where}: mask size [h,w]=[${src.rle.size[0]},${src.rle.size[1]}] does not match the project image ${W}×${H}`;
      }
      g = src;
      break;
  }
  const checked = GeometrySchema.safeParse(g);
  if (!checked.success) {
    return `${pa.where}: invalid geometry: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  }
  return g;
}

/**
 * Imports annotations from a COCO, YOLO or labelme dataset into a project. Images are matched by path,
 * name or content hash; annotations already in the project (same image, label and geometry) are not
 * added again, so importing the same file twice changes nothing. Errors name the file and the field or
 * line; the rest of the import still completes.
 */
export async function importAnnotations(sink: ImportSink, options: ImportOptions): Promise<ImportResult> {
  const errors = new ErrorList();
  const unmatched: string[] = [];
  const matcher = await ImageMatcher.build(sink);
  const labelIds = new Map<string, LabelId>();
  const matchedIds = new Set<number>();
  let imported = 0;
  let duplicates = 0;
  let seen = 0;
  const progress = options.onProgress ?? ((): void => undefined);

  try {
    for await (const parsed of readerFor(options, errors)) {
      if (options.signal?.aborted) throw new AppError('cancelled', 'import cancelled');
      seen++;
      const match = await matcher.match(parsed.ref);
      if ('reason' in match) {
        if (unmatched.length < 10_000) unmatched.push(match.reason);
        continue;
      }
      const image = match.image;
      matchedIds.add(image.id);
      if (parsed.annotations.length === 0) continue;
      const { widthPx, heightPx } = parsed.ref;
      if (
        (widthPx !== undefined && widthPx !== image.widthPx) ||
        (heightPx !== undefined && heightPx !== image.heightPx)
      ) {
        // Coordinates refer to the declared size: placing them on a resized image would misplace them.
        errors.add(
          `${parsed.ref.display}: the file says the image is ${widthPx}×${heightPx}, the project image is ${image.widthPx}×${image.heightPx}; its ${parsed.annotations.length} annotation(s) were skipped`,
        );
        continue;
      }
      const existing = await sink.existingAnnotations(image.id);
      const keys = new Set(existing.map((a) => `${a.labelId}|${geometryKey(a.geometry)}`));
      const batch: NewAnnotation[] = [];
      for (const pa of parsed.annotations) {
        const g = placeGeometry(pa, image);
        if (typeof g === 'string') {
          errors.add(g);
          continue;
        }
        let labelId = labelIds.get(pa.labelName);
        if (labelId === undefined) {
          try {
            labelId = await sink.ensureLabel(pa.labelName);
          } catch (e) {
            errors.add(`${pa.where}: label ${JSON.stringify(pa.labelName)}: ${messageOf(e)}`);
            continue;
          }
          labelIds.set(pa.labelName, labelId);
        }
        const key = `${labelId}|${geometryKey(g)}`;
        if (keys.has(key)) {
          duplicates++;
          continue;
        }
        keys.add(key);
        batch.push({ labelId, geometry: g, score: pa.score, iscrowd: pa.iscrowd });
      }
      if (batch.length > 0) {
        try {
          await sink.addAnnotations(image.id, batch);
          imported += batch.length;
        } catch (e) {
          errors.add(`${parsed.ref.display}: not imported: ${messageOf(e)}`);
        }
      }
      if (seen % 100 === 0) progress({ phase: 'import', done: seen, total: 0 });
    }
  } catch (e) {
    if (e instanceof AppError && e.code === 'cancelled') throw e;
    // A file-level failure (unreadable, not JSON, too large) still reports what was done before it.
    errors.add(messageOf(e));
  }
  progress({ phase: 'import', done: seen, total: seen });
  return { imported, duplicates, matchedImages: matchedIds.size, unmatched, errors: errors.toArray() };
}
