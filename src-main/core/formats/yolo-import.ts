import path from 'node:path';
import { type Geometry } from '@contract';
import { DEFAULT_MAX_TEXT_BYTES, isDirectory, isFile, readTextLimited, toPosix, walkFiles } from './files';
import type { ErrorList, ImportEvent, ParsedAnnotation, ReaderOptions } from './import-types';
import { labelFileCandidates, resolveYoloLayout } from './yolo-layout';

/** Ultralytics' own tolerance before it calls a label "non-normalized or out of bounds". */
const MIN_COORD = -0.01;
const MAX_COORD = 1.01;
const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

export type YoloRow =
  | { readonly classIndex: number; readonly geometry: Geometry; readonly orientedBox: boolean }
  | { readonly error: string };

/**
 * One label row, Ultralytics' rules: 5 columns = `class cx cy w h`, 9 = an oriented box
 * `class x1 y1 … x4 y4` (or a 4-point segment: the same region), otherwise an odd count ≥ 7 = a segment
 * `class x1 y1 …`; values normalised within [−0.01, 1.01] and class < nc when names are known. Boxes are
 * clamped to [0,1] (Ultralytics' own clipping); polygons keep their values and are clipped to the image
 * exactly on import. Coordinates stay normalised (fractions of the image size).
 */
export function parseYoloRow(line: string, nc: number | null): YoloRow {
  const cols = line.trim().split(/\s+/);
  const n = cols.length;
  if (n !== 5 && (n < 7 || n % 2 === 0)) {
    return { error: `${n} columns, expected 5 or ≥7${n >= 7 ? ' (an odd count: class + x,y pairs)' : ''}` };
  }
  const cls = Number(cols[0]);
  if (!Number.isInteger(cls) || cls < 0) return { error: `class "${cols[0]}" is not a non-negative integer` };
  if (nc !== null && cls >= nc) return { error: `class ${cls} is not below nc=${nc}` };
  const values: number[] = [];
  for (let i = 1; i < n; i++) {
    const v = Number(cols[i]);
    if (!Number.isFinite(v)) return { error: `column ${i + 1} "${cols[i]}" is not a finite number` };
    if (v < MIN_COORD || v > MAX_COORD) {
      return { error: `column ${i + 1} = ${cols[i]} lies outside [0,1] (coordinates must be normalised)` };
    }
    values.push(v);
  }
  if (n === 5) {
    const [cx, cy, w, h] = values.map(clamp01) as [number, number, number, number];
    const x0 = clamp01(cx - w / 2);
    const y0 = clamp01(cy - h / 2);
    const x1 = clamp01(cx + w / 2);
    const y1 = clamp01(cy + h / 2);
    // Keep the written size exactly when nothing was clipped (x1 - x0 would add rounding noise).
    const widthPx = x0 === cx - w / 2 && x1 === cx + w / 2 ? w : x1 - x0;
    const heightPx = y0 === cy - h / 2 && y1 === cy + h / 2 ? h : y1 - y0;
    return {
      classIndex: cls,
      geometry: { kind: 'box', x: x0, y: y0, widthPx, heightPx },
      orientedBox: false,
    };
  }
  return { classIndex: cls, geometry: { kind: 'polygon', rings: [values] }, orientedBox: n === 9 };
}

function parseLabelFile(
  text: string,
  rel: string,
  names: string[] | null,
  errors: ErrorList,
): ParsedAnnotation[] {
  const nc = names === null ? null : names.length;
  const annotations: ParsedAnnotation[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${rel}:${i + 1}`;
    const row = parseYoloRow(line, nc);
    if ('error' in row) {
      errors.add(`${where}: ${row.error}`);
      return;
    }
    annotations.push({
      labelName: names?.[row.classIndex] ?? `class_${row.classIndex}`,
      geometry: row.geometry,
      normalized: true,
      iscrowd: false,
      score: null,
      ...(row.orientedBox ? { orientedBox: true } : {}),
      where,
    });
  });
  return annotations;
}

/**
 * Reads an Ultralytics or Darknet dataset. Label files are found from the images, the way Ultralytics
 * does (images/… ↔ labels/…, or beside the image), counting only folders inside the dataset; label files
 * under the dataset's labels/ folder whose image is not on disk are matched to project images by name.
 * No other .txt file is read (train.txt, README.txt). The class names (data.yaml, obj.names,
 * classes.txt) become labels in their order, used or not.
 */
export async function* readYolo(
  input: string,
  errors: ErrorList,
  options: ReaderOptions,
): AsyncGenerator<ImportEvent, void, undefined> {
  const { root, names, images, notes } = await resolveYoloLayout(path.resolve(input), errors);
  for (const message of notes) yield { kind: 'warning', message };
  if (names !== null) yield { kind: 'labels', labels: names.map((name) => ({ name })) };
  const read = async (file: string): Promise<ParsedAnnotation[] | null> => {
    const rel = toPosix(path.relative(root, file));
    try {
      return parseLabelFile(
        await readTextLimited(file, options.maxFileBytes ?? DEFAULT_MAX_TEXT_BYTES, rel),
        rel,
        names,
        errors,
      );
    } catch (e) {
      errors.add(e instanceof Error ? e.message : String(e));
      return null;
    }
  };
  for (const image of images) {
    let labelFile: string | undefined;
    for (const c of labelFileCandidates(root, image)) {
      if (await isFile(c)) {
        labelFile = c;
        break;
      }
    }
    // An image without a label file has no objects (Ultralytics needs no empty file).
    if (labelFile === undefined) continue;
    const annotations = await read(labelFile);
    if (annotations === null) continue;
    const rel = toPosix(path.relative(root, image));
    yield {
      kind: 'image',
      key: labelFile,
      ref: {
        display: toPosix(path.relative(root, labelFile)),
        fileName: path.basename(image),
        relativePath: rel,
        findLocalFile: () => Promise.resolve(image),
        stem: path.basename(image, path.extname(image)),
      },
      annotations,
    };
  }
  if (images.length > 0) return;
  // No image on disk: the label folder's files are matched to project images by name. Only files
  // that read as YOLO rows count (a README.txt or a list of images is not a label file).
  for (const dir of ['labels', 'Labels', 'annotations', 'Annotations']) {
    const labelsDir = path.join(root, dir);
    if (!(await isDirectory(labelsDir))) continue;
    for (const labelFile of await walkFiles(labelsDir, ['.txt'])) {
      if (!(await looksLikeLabels(labelFile))) continue;
      yield* labelOnly(labelFile);
    }
  }

  async function* labelOnly(labelFile: string): AsyncGenerator<ImportEvent, void, undefined> {
    const annotations = await read(labelFile);
    if (annotations === null) return;
    const stem = path.basename(labelFile, '.txt');
    yield {
      kind: 'image',
      key: labelFile,
      ref: { display: toPosix(path.relative(root, labelFile)), fileName: stem, stem },
      annotations,
    };
  }
}

/** Whether the first non-empty line of a file reads as a YOLO row (class index then numbers). */
async function looksLikeLabels(file: string): Promise<boolean> {
  const text = await readTextLimited(file, DEFAULT_MAX_TEXT_BYTES, file).catch(() => '');
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
  if (first === undefined) return true;
  const cols = first.trim().split(/\s+/);
  return cols.length >= 5 && cols.every((c) => Number.isFinite(Number(c)));
}
