import { AppError } from '../errors';
import { readCoco } from './coco-import';
import { readCvat } from './cvat-import';
import { ImageMatcher } from './image-matcher';
import { ImportLabels } from './import-attributes';
import { ErrorList, type ImportEvent, type ParsedAnnotation, type ReaderOptions } from './import-types';
import { readLabelme } from './labelme-import';
import { placeGeometry } from './place-geometry';
import type { ImportResult, ImportSink, NewAnnotation, ProgressFn, ProjectImageRef } from './source';
import { readVoc } from './voc-import';
import { readYolo } from './yolo-import';

export type ImportFormat = 'coco' | 'yolo' | 'voc' | 'labelme' | 'cvat';

export interface ImportOptions extends ReaderOptions {
  readonly format: ImportFormat;
  /**
   * COCO: the JSON file. YOLO: the dataset folder or its data.yaml / obj.data. VOC: the dataset folder
   * (holding Annotations/). labelme: a JSON file or a folder. CVAT: annotations.xml or its folder.
   */
  readonly path: string;
  readonly onProgress?: ProgressFn;
  readonly signal?: AbortSignal;
  /** Annotations written per transaction. */
  readonly batchSize?: number;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function readerFor(options: ImportOptions, errors: ErrorList): AsyncIterable<ImportEvent> {
  switch (options.format) {
    case 'coco':
      return readCoco(options.path, errors, options);
    case 'yolo':
      return readYolo(options.path, errors, options);
    case 'voc':
      return readVoc(options.path, errors, options);
    case 'labelme':
      return readLabelme(options.path, errors, options);
    case 'cvat':
      return readCvat(options.path, errors, options);
  }
}

/** What the importer knows about one image of the file. */
interface ImageState {
  readonly display: string;
  /** The project image, or null when unmatched or unusable (the reason is already reported). */
  readonly image: ProjectImageRef | null;
  /** Annotations left out because the file's image size differs from the project image's. */
  sizeSkipped: number;
  readonly sizeNote: string | null;
  groups: Map<string, number> | null;
  groupBase: number;
}

/**
 * Imports annotations from a COCO, YOLO, Pascal VOC, labelme or CVAT dataset into a project. Images are
 * matched by path, name or content; the file's categories become labels (with their ids, order and
 * supercategory, even when unused), attribute values are typed against the label's attributes, groups
 * get fresh group ids per image, and shapes partly outside their image are clipped. Annotations the
 * project already has are not added again, so importing the same file twice changes nothing. Errors name
 * the file, the annotation and the field; the rest of the import still completes. Memory stays bounded
 * by the number of images, not annotations: they are written in batches as they are read.
 */
export async function importAnnotations(sink: ImportSink, options: ImportOptions): Promise<ImportResult> {
  const errors = new ErrorList();
  const warnings: string[] = [];
  const unmatched: string[] = [];
  const matcher = await ImageMatcher.build(sink);
  const labels = new ImportLabels(sink, errors);
  const states = new Map<string, ImageState>();
  const matchedIds = new Set<number>();
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  let batch: { item: NewAnnotation; where: string }[] = [];
  let imported = 0;
  let duplicates = 0;
  let clipped = 0;
  let seen = 0;
  const progress = options.onProgress ?? ((): void => undefined);

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    try {
      const r = await sink.addAnnotations(pending.map((p) => p.item));
      imported += r.added;
      duplicates += r.duplicates;
    } catch {
      // Everything was checked before: a failing batch is rare. Retry one by one to name the culprit.
      for (const p of pending) {
        try {
          const r = await sink.addAnnotations([p.item]);
          imported += r.added;
          duplicates += r.duplicates;
        } catch (e) {
          errors.add(`${p.where}: not imported: ${messageOf(e)}`);
        }
      }
    }
  };

  const stateOf = async (key: string, ev: Extract<ImportEvent, { kind: 'image' }>): Promise<ImageState> => {
    const match = await matcher.match(ev.ref);
    if ('reason' in match) {
      if (unmatched.length < 10_000) unmatched.push(match.reason);
      return {
        display: ev.ref.display,
        image: null,
        sizeSkipped: 0,
        sizeNote: null,
        groups: null,
        groupBase: 0,
      };
    }
    matchedIds.add(match.image.id);
    const { widthPx, heightPx } = ev.ref;
    const image = match.image;
    const sizeNote =
      (widthPx !== undefined && widthPx !== image.widthPx) ||
      (heightPx !== undefined && heightPx !== image.heightPx)
        ? `${ev.ref.display}: the file says the image is ${widthPx}×${heightPx}, the project image is ${image.widthPx}×${image.heightPx}`
        : null;
    const state: ImageState = {
      display: ev.ref.display,
      image,
      sizeSkipped: 0,
      sizeNote,
      groups: null,
      groupBase: 0,
    };
    states.set(key, state);
    return state;
  };

  const addOne = async (state: ImageState, pa: ParsedAnnotation): Promise<void> => {
    const image = state.image;
    if (image === null) return;
    if (state.sizeNote !== null) {
      // Coordinates refer to the declared size: placing them on a resized image would misplace them.
      state.sizeSkipped++;
      return;
    }
    const placed = placeGeometry(pa, image);
    if (typeof placed === 'string') {
      errors.add(placed);
      return;
    }
    if (placed.clipped) clipped++;
    let label;
    try {
      label = await labels.resolve(pa.labelName);
    } catch (e) {
      errors.add(`${pa.where}: label ${JSON.stringify(pa.labelName)}: ${messageOf(e)}`);
      return;
    }
    const attributes = await labels.values(label, pa.attributes, pa.where);
    let groupId: number | null = null;
    const key = pa.groupKey ?? null;
    if (key !== null || placed.geometries.length > 1) {
      if (state.groups === null) {
        state.groups = new Map();
        state.groupBase = await sink.maxGroupId(image.id);
      }
      const k = key === null ? `\u0000split:${pa.where}` : `${typeof key}:${key}`;
      groupId = state.groups.get(k) ?? state.groupBase + state.groups.size + 1;
      state.groups.set(k, groupId);
    }
    for (const geometry of placed.geometries) {
      batch.push({
        item: {
          imageId: image.id,
          labelId: label.id,
          geometry,
          score: pa.score,
          iscrowd: pa.iscrowd,
          attributes,
          groupId,
        },
        where: pa.where,
      });
    }
    if (batch.length >= batchSize) await flush();
  };

  try {
    for await (const ev of readerFor(options, errors)) {
      if (options.signal?.aborted) throw new AppError('cancelled', 'import cancelled');
      switch (ev.kind) {
        case 'labels':
          await labels.declare(ev.labels, options.path);
          break;
        case 'warning':
          warnings.push(ev.message);
          break;
        case 'image': {
          seen++;
          const state = await stateOf(ev.key, ev);
          for (const pa of ev.annotations) await addOne(state, pa);
          if (seen % 100 === 0) progress({ phase: 'import', done: seen, total: 0 });
          break;
        }
        case 'annotation': {
          const state = states.get(ev.imageKey);
          // Unmatched images were reported once already; their annotations are left out silently.
          if (state !== undefined) await addOne(state, ev.annotation);
          break;
        }
      }
    }
    await flush();
  } catch (e) {
    if (e instanceof AppError && e.code === 'cancelled') throw e;
    // A file-level failure (unreadable, not JSON) still reports what was done before it.
    await flush().catch((f: unknown) => errors.add(messageOf(f)));
    errors.add(messageOf(e));
  }
  for (const state of states.values()) {
    if (state.sizeNote !== null && state.sizeSkipped > 0) {
      errors.add(`${state.sizeNote}; its ${state.sizeSkipped} annotation(s) were skipped`);
    }
  }
  if (clipped > 0) warnings.push(`${clipped} shape(s) reaching outside their image were clipped to it`);
  progress({ phase: 'import', done: seen, total: seen });
  return {
    imported,
    duplicates,
    matchedImages: matchedIds.size,
    unmatched,
    errors: errors.toArray(),
    warnings,
  };
}
