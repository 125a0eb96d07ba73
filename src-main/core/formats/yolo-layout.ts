import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isDirectory, isFile, readTextLimited, toPosix, walkFiles } from './files';
import type { ErrorList } from './import-types';

/** Image extensions Ultralytics reads (IMG_FORMATS). */
export const YOLO_IMAGE_EXTS = [
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
const SMALL_FILE_BYTES = 16 * 1024 * 1024;

/** A YOLO dataset as found on disk: its root, class names, and image files (absolute paths). */
export interface YoloLayout {
  readonly root: string;
  /** Null when no names file was found (classes become class_<index>). */
  readonly names: string[] | null;
  /** Images listed by the dataset (data.yaml / obj.data splits), or found under its images folder. */
  readonly images: string[];
  /** Split entries that name nothing on disk (labels may still match project images by name). */
  readonly notes: string[];
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Class names from a data.yaml document: `names` as a list, or a map whose keys are exactly 0..n−1 (as
 * Ultralytics' check_class_names demands); `nc`, when present, must equal the number of names.
 */
export function yoloNamesFromYaml(doc: unknown): string[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new Error('expected a YAML mapping');
  const { names, nc } = doc as Record<string, unknown>;
  const text = (v: unknown, where: string): string => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new Error(`${where}: a class name must be a plain value`);
    }
    return String(v);
  };
  let out: string[];
  if (names === null) out = [];
  else if (Array.isArray(names)) out = names.map((n, i) => text(n, `names[${i}]`));
  else if (typeof names === 'object') {
    const entries = Object.entries(names);
    out = new Array<string>(entries.length);
    for (const [k, v] of entries) {
      const idx = Number(k);
      if (!Number.isInteger(idx) || idx < 0 || idx >= entries.length) {
        throw new Error(`names: keys must be 0..${entries.length - 1}, found "${k}"`);
      }
      out[idx] = text(v, `names.${k}`);
    }
  } else throw new Error('names: expected a list or a map {0: name, …}');
  if (nc !== undefined && nc !== null && nc !== out.length) {
    throw new Error(`nc is ${JSON.stringify(nc)} but names has ${out.length} entries`);
  }
  return out;
}

/** One name per line (classes.txt, Darknet obj.names). */
async function readNamesFile(file: string, display: string): Promise<string[]> {
  return (await readTextLimited(file, SMALL_FILE_BYTES, display))
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Images under a folder, recursively (hidden folders skipped), sorted. */
const imagesUnder = (dir: string): Promise<string[]> => walkFiles(dir, YOLO_IMAGE_EXTS);

/** The first of the candidate paths that exists (file or folder). */
async function firstExisting(candidates: readonly string[]): Promise<string | undefined> {
  for (const c of candidates) if ((await isFile(c)) || (await isDirectory(c))) return c;
  return undefined;
}

/**
 * A split entry: a folder of images, a .txt list of images (one per line; `./x` relative to the
 * list's folder, as Ultralytics reads it, other relative lines to the dataset root), or a list of those.
 */
async function splitImages(
  entry: unknown,
  root: string,
  bases: readonly string[],
  where: string,
  notes: string[],
): Promise<string[]> {
  if (Array.isArray(entry)) {
    const all: string[] = [];
    for (const [i, e] of entry.entries())
      all.push(...(await splitImages(e, root, bases, `${where}[${i}]`, notes)));
    return all;
  }
  if (typeof entry !== 'string' || entry.trim() === '') return [];
  const rel = entry.trim();
  // Roboflow writes `../train/images`; Ultralytics then retries without the leading ../ (as here).
  const tries = rel.startsWith('../') ? [rel, rel.slice(3)] : [rel];
  const found = await firstExisting(tries.flatMap((t) => bases.map((b) => path.resolve(b, t))));
  if (found === undefined) {
    notes.push(`${where}: ${rel} does not exist; label files are matched to project images by name`);
    return [];
  }
  if (await isDirectory(found)) return imagesUnder(found);
  const listDir = path.dirname(found);
  const out: string[] = [];
  for (const line of (
    await readTextLimited(found, SMALL_FILE_BYTES, toPosix(path.relative(root, found)))
  ).split(/\r?\n/)) {
    const l = line.trim();
    if (l === '' || l.startsWith('#')) continue;
    // Darknet lists name data/obj_train_data/x.jpg; CVAT's YOLO 1.1 zip has no data/ folder.
    const candidates = l.startsWith('./')
      ? [path.resolve(listDir, l)]
      : [
          ...bases.map((b) => path.resolve(b, l)),
          path.resolve(listDir, l),
          path.resolve(listDir, l.replace(/^data[\\/]/, '')),
        ];
    out.push((await firstExisting(candidates)) ?? path.resolve(bases[0] ?? root, l));
  }
  return out;
}

/** Darknet `key = value` lines (obj.data). */
function parseDarknetData(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out.set(m[1]!.toLowerCase(), m[2]!);
  }
  return out;
}

async function fromDataYaml(file: string, errors: ErrorList): Promise<YoloLayout> {
  const display = path.basename(file);
  const yamlDir = path.dirname(file);
  const notes: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(await readTextLimited(file, SMALL_FILE_BYTES, display));
  } catch (e) {
    errors.add(`${display}: ${messageOf(e)}`);
    return { root: yamlDir, names: null, images: await defaultImages(yamlDir), notes };
  }
  const rec =
    typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  // `path` is the dataset root when it exists (absolute, or relative to the YAML's folder).
  const declared = typeof rec.path === 'string' ? path.resolve(yamlDir, rec.path) : undefined;
  const root = declared !== undefined && (await isDirectory(declared)) ? declared : yamlDir;
  let names: string[] | null = null;
  try {
    names = yoloNamesFromYaml(doc);
  } catch (e) {
    errors.add(`${display}: ${messageOf(e)}`);
  }
  const images: string[] = [];
  for (const key of ['train', 'val', 'validation', 'test']) {
    images.push(...(await splitImages(rec[key], root, [root, yamlDir], `${display}: ${key}`, notes)));
  }
  return { root, names, images: images.length > 0 ? dedupe(images) : await defaultImages(root), notes };
}

async function fromDarknetData(file: string, errors: ErrorList): Promise<YoloLayout> {
  const display = path.basename(file);
  const dir = path.dirname(file);
  const notes: string[] = [];
  const data = parseDarknetData(await readTextLimited(file, SMALL_FILE_BYTES, display));
  // Paths in obj.data are relative to Darknet's working folder, usually the parent of data/: try the
  // file's own folder, then without the leading data/ (CVAT's YOLO 1.1 zip keeps everything flat).
  const bases = [dir, path.dirname(dir)];
  const resolve = async (rel: string): Promise<string | undefined> =>
    firstExisting([
      ...bases.map((b) => path.resolve(b, rel)),
      path.resolve(dir, rel.replace(/^data[\\/]/, '')),
    ]);
  let names: string[] | null = null;
  const namesRel = data.get('names');
  const namesFile = namesRel === undefined ? undefined : await resolve(namesRel);
  if (namesFile !== undefined) names = await readNamesFile(namesFile, toPosix(path.relative(dir, namesFile)));
  else errors.add(`${display}: names: ${namesRel ?? '(missing)'} not found; classes are named class_<index>`);
  const classes = data.get('classes');
  if (names !== null && classes !== undefined && Number(classes) !== names.length) {
    errors.add(`${display}: classes = ${classes} but the names file has ${names.length} names`);
  }
  const images: string[] = [];
  for (const key of ['train', 'valid', 'test']) {
    const rel = data.get(key);
    if (rel === undefined) continue;
    const list = await resolve(rel);
    if (list === undefined) {
      errors.add(`${display}: ${key}: ${rel} not found`);
      continue;
    }
    images.push(
      ...(await splitImages(
        path.relative(dir, list),
        dir,
        [dir, path.dirname(dir), path.dirname(list)],
        `${display}: ${key}`,
        notes,
      )),
    );
  }
  return { root: dir, names, images: images.length > 0 ? dedupe(images) : await defaultImages(dir), notes };
}

/** Without a split list: the images under images/ when there is one, else every image under the root. */
async function defaultImages(root: string): Promise<string[]> {
  const imagesDir = path.join(root, 'images');
  return (await isDirectory(imagesDir)) ? imagesUnder(imagesDir) : imagesUnder(root);
}

const dedupe = (paths: readonly string[]): string[] => [...new Set(paths)];

/**
 * Finds a YOLO dataset's root, class names and images from a data.yaml, a Darknet obj.data, a names
 * file (classes.txt, obj.names) or the dataset folder holding one of them.
 */
export async function resolveYoloLayout(input: string, errors: ErrorList): Promise<YoloLayout> {
  let file: string | undefined;
  let root: string;
  if (await isFile(input)) {
    file = input;
    root = path.dirname(input);
  } else if (await isDirectory(input)) {
    root = input;
    for (const name of ['data.yaml', 'data.yml', 'dataset.yaml', 'obj.data', 'classes.txt', 'obj.names']) {
      if (await isFile(path.join(input, name))) {
        file = path.join(input, name);
        break;
      }
    }
  } else {
    throw new Error(`${input}: no such file or folder`);
  }
  const ext = file === undefined ? '' : path.extname(file).toLowerCase();
  if (file !== undefined && (ext === '.yaml' || ext === '.yml')) return fromDataYaml(file, errors);
  if (file !== undefined && ext === '.data') return fromDarknetData(file, errors);
  if (file !== undefined) {
    const names = await readNamesFile(file, path.basename(file));
    return { root, names, images: await defaultImages(root), notes: [] };
  }
  errors.add(
    `${toPosix(input)}: no data.yaml, obj.data, classes.txt or obj.names; classes are named class_<index>`,
  );
  return { root, names: null, images: await defaultImages(root), notes: [] };
}

/** Image folder names and the label folders that mirror them (Ultralytics; Datumaro's Images ↔ Annotations). */
const LABEL_DIRS: Readonly<Record<string, readonly string[]>> = {
  images: ['labels', 'annotations'],
  Images: ['Labels', 'Annotations', 'labels', 'annotations'],
};

/**
 * Where the label file of an image may be, as Ultralytics' img2label_paths finds it, but only within the
 * dataset: the last `images` folder of the path below the root becomes `labels` (or Datumaro's
 * `Annotations`); without one (Darknet layout), the label sits beside the image. Folders named `images`
 * above the dataset root do not count.
 */
export function labelFileCandidates(root: string, image: string): string[] {
  const rel = path.relative(root, image);
  const beside = image.slice(0, image.length - path.extname(image).length) + '.txt';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return [beside];
  const parts = (rel.slice(0, rel.length - path.extname(rel).length) + '.txt').split(path.sep);
  for (let i = parts.length - 2; i >= 0; i--) {
    const swaps = LABEL_DIRS[parts[i]!];
    if (swaps === undefined) continue;
    return swaps.map((dir) => path.join(root, ...parts.slice(0, i), dir, ...parts.slice(i + 1)));
  }
  return [beside];
}
