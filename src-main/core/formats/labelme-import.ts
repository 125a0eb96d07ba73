import { createHash } from 'node:crypto';
import path from 'node:path';
import { type Geometry } from '@contract';
import { ImageOpenError, openImage, run } from '../images/open-image';
import { encodeMask } from '../segment/rle';
import {
  DEFAULT_MAX_JSON_BYTES,
  isDirectory,
  isFile,
  parseJson,
  readTextLimited,
  toPosix,
  walkFiles,
} from './files';
import type { ErrorList, ImportEvent, ParsedAnnotation, ReaderOptions } from './import-types';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Vertices used for labelme circles (centre + a point on the circumference). */
const CIRCLE_VERTICES = 64;

function parsePoints(v: unknown): number[][] | string {
  if (!Array.isArray(v) || v.length === 0) return '"points" must be a non-empty list of [x, y]';
  const out: number[][] = [];
  for (let i = 0; i < v.length; i++) {
    const p: unknown = v[i];
    if (!Array.isArray(p) || p.length !== 2 || !isNum(p[0]) || !isNum(p[1])) {
      return `points[${i}] must be [x, y] with finite numbers`;
    }
    out.push([p[0], p[1]]);
  }
  return out;
}

const flat = (pts: readonly number[][]): number[] => pts.flatMap((p) => [p[0]!, p[1]!]);

function extentBox(pts: readonly number[][]): Geometry {
  const xs = pts.map((p) => p[0]!);
  const ys = pts.map((p) => p[1]!);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { kind: 'box', x, y, widthPx: Math.max(...xs) - x, heightPx: Math.max(...ys) - y };
}

/** Decodes a labelme mask PNG (any PNG flavour) and pastes it at (x1, y1) of a full-size mask. */
async function maskGeometry(
  b64: string,
  pts: readonly number[][],
  widthPx: number,
  heightPx: number,
): Promise<Geometry | string> {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) return '"mask" is empty or not base64';
  let decoded;
  try {
    // Never larger than the image it lies on: the pixel cap is the image's own size.
    const opened = await openImage('"mask"', { alpha: 'drop', bytes, maxInputPixels: widthPx * heightPx });
    decoded = await run('"mask"', opened.pipeline.raw().toBuffer({ resolveWithObject: true }));
  } catch (e) {
    const reason = e instanceof ImageOpenError ? e.reason : e instanceof Error ? e.message : String(e);
    return `"mask" is not a readable PNG: ${reason}`;
  }
  const { data, info } = decoded;
  const x1 = Math.trunc(pts[0]![0]!);
  const y1 = Math.trunc(pts[0]![1]!);
  const mask = new Uint8Array(widthPx * heightPx);
  for (let y = 0; y < info.height; y++) {
    const ty = y + y1;
    if (ty < 0 || ty >= heightPx) continue;
    for (let x = 0; x < info.width; x++) {
      const tx = x + x1;
      if (tx < 0 || tx >= widthPx) continue;
      if (data[(y * info.width + x) * info.channels] !== 0) mask[ty * widthPx + tx] = 1;
    }
  }
  return { kind: 'mask', rle: encodeMask(mask, widthPx, heightPx) };
}

function circlePolygon(pts: readonly number[][]): Geometry {
  const [cx, cy] = pts[0] as [number, number];
  const [px, py] = pts[1] as [number, number];
  const r = Math.hypot(px - cx, py - cy);
  const ring: number[] = [];
  for (let k = 0; k < CIRCLE_VERTICES; k++) {
    const a = (2 * Math.PI * k) / CIRCLE_VERTICES;
    ring.push(cx + r * Math.cos(a), cy + r * Math.sin(a));
  }
  return { kind: 'polygon', rings: [ring] };
}

/** Point counts per shape type: exact, or a minimum (`min`). */
const NEEDS: Record<string, { n: number; min?: true }> = {
  rectangle: { n: 2 },
  circle: { n: 2 },
  mask: { n: 2 },
  point: { n: 1 },
  line: { n: 2 },
  linestrip: { n: 2, min: true },
  points: { n: 1, min: true },
  polygon: { n: 3, min: true },
  oriented_rectangle: { n: 4 },
};

export interface LabelmeShapeGeometry {
  /** Several for `points` (one object: they share a group). */
  readonly geometries: Geometry[];
  /** Four corners to keep as a rotated box when they form a rectangle. */
  readonly orientedBox: boolean;
}

/**
 * labelme shape → geometries, or the reason it is refused (naming the field). Old files without
 * shape_type are polygons; lines and line strips are polylines.
 */
export async function labelmeShapeGeometry(
  s: Json,
  widthPx: number,
  heightPx: number,
): Promise<LabelmeShapeGeometry | string> {
  const type = s.shape_type ?? 'polygon';
  if (typeof type !== 'string') return 'shape_type: must be a string';
  const pts = parsePoints(s.points);
  if (typeof pts === 'string') return pts;
  const need = NEEDS[type];
  if (need !== undefined && (need.min ? pts.length < need.n : pts.length !== need.n)) {
    // Some older labelme versions saved rectangles with 4 corners: accept those.
    if (!(type === 'rectangle' && pts.length === 4)) {
      return `points: shape_type "${type}" needs ${need.min ? 'at least ' : ''}${need.n} point(s), got ${pts.length}`;
    }
  }
  const one = (g: Geometry, orientedBox = false): LabelmeShapeGeometry => ({ geometries: [g], orientedBox });
  switch (type) {
    case 'polygon':
      return one({ kind: 'polygon', rings: [flat(pts)] });
    case 'oriented_rectangle':
      return one({ kind: 'polygon', rings: [flat(pts)] }, true);
    case 'rectangle':
      return one(extentBox(pts));
    case 'circle':
      return one(circlePolygon(pts));
    case 'point':
      return one({ kind: 'point', x: pts[0]![0]!, y: pts[0]![1]! });
    case 'points':
      return { geometries: pts.map((p) => ({ kind: 'point', x: p[0]!, y: p[1]! })), orientedBox: false };
    case 'line':
    case 'linestrip':
      return one({ kind: 'polyline', points: flat(pts) });
    case 'mask': {
      if (typeof s.mask !== 'string') return 'mask: shape_type "mask" needs a base64 PNG in "mask"';
      const g = await maskGeometry(s.mask, pts, widthPx, heightPx);
      return typeof g === 'string' ? g : one(g);
    }
    default:
      return `shape_type: unknown shape type "${type}"`;
  }
}

/** Shape flags and a non-empty description as attribute values. */
function shapeAttributes(s: Json): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (isObject(s.flags)) for (const [k, v] of Object.entries(s.flags)) if (typeof v === 'boolean') out[k] = v;
  if (typeof s.description === 'string' && s.description.trim() !== '') out.description = s.description;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Whether a parsed JSON document looks like a labelme file at all (other JSON files are not reported one by one). */
function isLabelmeDoc(doc: unknown): doc is Json {
  return isObject(doc) && Array.isArray(doc.shapes) && ('imagePath' in doc || 'imageData' in doc);
}

/**
 * One labelme JSON file: its image reference (matched by imagePath, then its file name, then the bytes
 * embedded in imageData, then the JSON's own name), its shapes with their groups and attributes, and
 * its image flags as image tags (every flag becomes a label, set or not).
 */
export async function readLabelmeFile(
  file: string,
  display: string,
  doc: Json,
  errors: ErrorList,
): Promise<ImportEvent[]> {
  const W = doc.imageWidth;
  const H = doc.imageHeight;
  if (!isNum(W) || !isNum(H) || !Number.isInteger(W) || !Number.isInteger(H) || W <= 0 || H <= 0) {
    throw new Error(`${display}: imageWidth, imageHeight: must be positive integers`);
  }
  const shapes = doc.shapes as unknown[];
  const imagePath = typeof doc.imagePath === 'string' ? doc.imagePath.replace(/\\/g, '/') : '';
  const localFile = imagePath === '' ? undefined : path.resolve(path.dirname(file), imagePath);
  const imageData = typeof doc.imageData === 'string' && doc.imageData !== '' ? doc.imageData : null;
  const annotations: ParsedAnnotation[] = [];
  const events: ImportEvent[] = [];
  const flags = isObject(doc.flags)
    ? Object.entries(doc.flags).filter(([, v]) => typeof v === 'boolean')
    : [];
  if (flags.length > 0) events.push({ kind: 'labels', labels: flags.map(([name]) => ({ name })) });
  for (const [name, on] of flags) {
    if (on === true) {
      annotations.push({
        labelName: name,
        geometry: { kind: 'tag' },
        normalized: false,
        iscrowd: false,
        score: null,
        where: `${display}: flags.${name}`,
      });
    }
  }
  for (let i = 0; i < shapes.length; i++) {
    const s: unknown = shapes[i];
    const where = `${display}: shapes[${i}]`;
    if (!isObject(s)) {
      errors.add(`${where}: not an object`);
      continue;
    }
    if (typeof s.label !== 'string' || s.label.trim() === '') {
      errors.add(`${where}: label: must be a non-empty string`);
      continue;
    }
    const shape = await labelmeShapeGeometry(s, W, H);
    if (typeof shape === 'string') {
      errors.add(`${where}: ${shape}`);
      continue;
    }
    const attributes = shapeAttributes(s);
    // Shapes with the same group_id are one object; the points of one `points` shape too.
    const groupKey =
      typeof s.group_id === 'number' ? `g${s.group_id}` : shape.geometries.length > 1 ? `s${i}` : null;
    for (const g of shape.geometries) {
      annotations.push({
        labelName: s.label,
        geometry: g,
        normalized: false,
        iscrowd: false,
        score: null,
        ...(attributes === undefined ? {} : { attributes }),
        ...(groupKey === null ? {} : { groupKey }),
        ...(shape.orientedBox ? { orientedBox: true } : {}),
        where,
      });
    }
  }
  let sha: string | undefined;
  events.push({
    kind: 'image',
    key: file,
    ref: {
      display: `${display} → ${imagePath || '(imageData)'}`,
      fileName: imagePath === '' ? path.basename(file, path.extname(file)) : path.posix.basename(imagePath),
      ...(imagePath === '' ? {} : { relativePath: imagePath }),
      findLocalFile: async () =>
        localFile !== undefined && (await isFile(localFile)) ? localFile : undefined,
      ...(imageData === null
        ? {}
        : {
            contentSha256: () =>
              (sha ??= createHash('sha256').update(Buffer.from(imageData, 'base64')).digest('hex')),
          }),
      stem: path.basename(file, path.extname(file)),
      widthPx: W,
      heightPx: H,
    },
    annotations,
  });
  return events;
}

/**
 * Reads a labelme JSON file, or every labelme JSON under a folder. A bad file is reported and skipped;
 * a folder without any labelme file is an error (not an empty import).
 */
export async function* readLabelme(
  input: string,
  errors: ErrorList,
  options: ReaderOptions,
): AsyncGenerator<ImportEvent, void, undefined> {
  const abs = path.resolve(input);
  const folder = await isDirectory(abs);
  if (!folder && !(await isFile(abs))) throw new Error(`${input}: no such file or folder`);
  const files = folder ? await walkFiles(abs, ['.json']) : [abs];
  let found = 0;
  for (const file of files) {
    const display = folder ? toPosix(path.relative(abs, file)) : path.basename(file);
    try {
      const doc = parseJson(
        await readTextLimited(file, options.maxFileBytes ?? DEFAULT_MAX_JSON_BYTES, display),
        display,
      );
      if (!isLabelmeDoc(doc)) {
        if (!folder) throw new Error(`${display}: not a labelme file (it needs "shapes" and "imagePath")`);
        continue;
      }
      found++;
      yield* await readLabelmeFile(file, display, doc, errors);
    } catch (e) {
      errors.add(e instanceof Error ? e.message : String(e));
    }
  }
  if (folder && found === 0) {
    throw new Error(
      `${toPosix(input)}: no labelme JSON file found (${files.length} .json file(s) looked at; a labelme file has "shapes" and "imagePath")`,
    );
  }
}
