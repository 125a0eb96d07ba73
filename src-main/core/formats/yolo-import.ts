import fs from 'node:fs/promises';
import path from 'node:path';
import { type Geometry } from '@contract';
import { DEFAULT_MAX_TEXT_BYTES, isDirectory, isFile, readTextLimited, toPosix, walkFiles } from './files';
import type { ErrorList, ParsedAnnotation, ParsedImage, ReaderOptions } from './import-types';
import { parseYamlLite, yoloNamesFromYaml } from './yaml-lite';

const IMAGE_EXTS = [
  '.jpg',
  '.jpeg',
  '.png',
  '.bmp',
  '.webp',
  '.tif',
  '.tiff',
  '.gif',
  '.dng',
  '.mpo',
  '.heic',
  '.pfm',
];
/** Ultralytics' own tolerance before it calls a label "non-normalized or out of bounds". */
const MIN_COORD = -0.01;
const MAX_COORD = 1.01;
const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

export type YoloRow =
  { readonly classIndex: number; readonly geometry: Geometry } | { readonly error: string };

/**
 * One label row, Ultralytics' rules: 5 columns = `class cx cy w h`, ≥ 7 (an odd count) = `class x1 y1 …`,
 * values normalised within [−0.01, 1.01] (then clamped to [0,1]) and class < nc when names are known.
 * Coordinates stay normalised (fractions of the image size).
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
    values.push(clamp01(v));
  }
  if (n === 5) {
    const [cx, cy, w, h] = values as [number, number, number, number];
    const x0 = clamp01(cx - w / 2);
    const y0 = clamp01(cy - h / 2);
    const x1 = clamp01(cx + w / 2);
    const y1 = clamp01(cy + h / 2);
    // Keep the written size exactly when nothing was clipped (x1 - x0 would add rounding noise).
    const widthPx = x0 === cx - w / 2 && x1 === cx + w / 2 ? w : x1 - x0;
    const heightPx = y0 === cy - h / 2 && y1 === cy + h / 2 ? h : y1 - y0;
    return { classIndex: cls, geometry: { kind: 'box', x: x0, y: y0, widthPx, heightPx } };
  }
  return { classIndex: cls, geometry: { kind: 'polygon', rings: [values] } };
}

interface YoloLayout {
  readonly root: string;
  readonly names: string[] | null;
}

async function resolveLayout(input: string, errors: ErrorList): Promise<YoloLayout> {
  let yamlFile: string | undefined;
  let root: string;
  if (await isFile(input)) {
    yamlFile = input;
    root = path.dirname(input);
  } else if (await isDirectory(input)) {
    root = input;
    for (const name of ['data.yaml', 'data.yml', 'dataset.yaml']) {
      if (await isFile(path.join(input, name))) {
        yamlFile = path.join(input, name);
        break;
      }
    }
  } else {
    throw new Error(`${input}: no such file or folder`);
  }
  if (yamlFile !== undefined) {
    const display = path.basename(yamlFile);
    try {
      const doc = parseYamlLite(await readTextLimited(yamlFile, 1024 * 1024, display));
      // `path` is the dataset root when it exists (absolute, or relative to the YAML's folder).
      const declared = typeof doc.path === 'string' ? path.resolve(root, doc.path) : undefined;
      const datasetRoot = declared !== undefined && (await isDirectory(declared)) ? declared : root;
      return { root: datasetRoot, names: yoloNamesFromYaml(doc) };
    } catch (e) {
      errors.add(`${display}: ${e instanceof Error ? e.message : String(e)}`);
      return { root, names: null };
    }
  }
  // Darknet-style datasets keep one class name per line in classes.txt.
  const classes = path.join(root, 'classes.txt');
  if (await isFile(classes)) {
    const text = await readTextLimited(classes, 1024 * 1024, 'classes.txt');
    return {
      root,
      names: text
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    };
  }
  errors.add(`${toPosix(input)}: no data.yaml or classes.txt; classes are named class_<index>`);
  return { root, names: null };
}

/** The image that belongs to labels/<sub>/<stem>.txt: images/<sub>/<stem>.<ext>, found once per folder. */
class ImageFolderIndex {
  private readonly cache = new Map<string, Map<string, string>>();
  async find(dir: string, stem: string): Promise<string | undefined> {
    let byStem = this.cache.get(dir);
    if (!byStem) {
      byStem = new Map();
      try {
        for (const name of await fs.readdir(dir)) {
          const ext = path.extname(name).toLowerCase();
          if (IMAGE_EXTS.includes(ext)) byStem.set(path.basename(name, path.extname(name)), name);
        }
      } catch {
        // no image folder: labels are matched by stem alone
      }
      this.cache.set(dir, byStem);
    }
    return byStem.get(stem);
  }
}

const LABELS_SEGMENT = `${path.sep}labels${path.sep}`;

/** Ultralytics pairs images and labels by swapping the last /images/ and /labels/ path segments. */
export function imageDirOf(labelFile: string): string {
  const i = labelFile.lastIndexOf(LABELS_SEGMENT);
  if (i < 0) return path.dirname(labelFile);
  const imagePath = `${labelFile.slice(0, i)}${path.sep}images${path.sep}${labelFile.slice(i + LABELS_SEGMENT.length)}`;
  return path.dirname(imagePath);
}

/** Reads an Ultralytics dataset: every .txt under a labels/ folder (or every .txt when there is none). */
export async function* readYolo(
  input: string,
  errors: ErrorList,
  options: ReaderOptions,
): AsyncIterable<ParsedImage> {
  const { root, names } = await resolveLayout(path.resolve(input), errors);
  const all = await walkFiles(root, ['.txt']);
  const underLabels = all.filter((f) => f.includes(LABELS_SEGMENT));
  // Without a labels/ folder every .txt is a label file, except class and image lists.
  const files =
    underLabels.length > 0
      ? underLabels
      : all.filter(
          (f) => !['classes.txt', 'train.txt', 'val.txt', 'valid.txt', 'test.txt'].includes(path.basename(f)),
        );
  const images = new ImageFolderIndex();
  const nc = names === null ? null : names.length;
  for (const file of files) {
    const rel = toPosix(path.relative(root, file));
    let text: string;
    try {
      text = await readTextLimited(file, options.maxFileBytes ?? DEFAULT_MAX_TEXT_BYTES, rel);
    } catch (e) {
      errors.add(e instanceof Error ? e.message : String(e));
      continue;
    }
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
        where,
      });
    });
    // Ultralytics swaps the last /labels/ for /images/ to find the image.
    const stem = path.basename(file, '.txt');
    const imageDir = imageDirOf(file);
    const imageName = await images.find(imageDir, stem);
    const imageFile = imageName === undefined ? undefined : path.join(imageDir, imageName);
    yield {
      ref: {
        display: rel,
        fileName: imageName ?? stem,
        relativePath: imageFile === undefined ? undefined : toPosix(path.relative(root, imageFile)),
        findLocalFile: () => Promise.resolve(imageFile),
        stemMatch: true,
      },
      annotations,
    };
  }
}
