import path from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { type Geometry } from '@contract';
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
import type { ErrorList, ParsedAnnotation, ParsedImage, ReaderOptions } from './import-types';
import { unionAsGeometry } from './shapes';

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

/** Decodes a labelme mask PNG (any PNG flavour, via sharp) and pastes it at (x1, y1) of a full-size mask. */
async function maskGeometry(
  b64: string,
  pts: readonly number[][],
  widthPx: number,
  heightPx: number,
): Promise<Geometry | string> {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) return '"mask" is empty or not base64';
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, { limitInputPixels: widthPx * heightPx + 1 })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    return `"mask" is not a readable PNG: ${e instanceof Error ? e.message : String(e)}`;
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

const NEEDS: Record<string, number> = {
  rectangle: 2,
  circle: 2,
  mask: 2,
  point: 1,
  polygon: 3,
  oriented_rectangle: 4,
};

/**
 * labelme shape → geometries (several for `points`), or the reason it is refused. Old files without
 * shape_type are polygons. Lines and line strips have no RadioLabel geometry and are reported.
 */
export async function labelmeShapeGeometry(
  s: Json,
  widthPx: number,
  heightPx: number,
): Promise<Geometry[] | string> {
  const type = s.shape_type ?? 'polygon';
  if (typeof type !== 'string') return '"shape_type" must be a string';
  const pts = parsePoints(s.points);
  if (typeof pts === 'string') return pts;
  const need = NEEDS[type];
  if (need !== undefined && (type === 'polygon' ? pts.length < need : pts.length !== need)) {
    // Some older labelme versions saved rectangles with 4 corners: accept those.
    if (!(type === 'rectangle' && pts.length === 4)) {
      return `shape_type "${type}" needs ${type === 'polygon' ? 'at least ' : ''}${need} point(s), got ${pts.length}`;
    }
  }
  switch (type) {
    case 'polygon':
      return [{ kind: 'polygon', rings: [flat(pts)] }];
    case 'oriented_rectangle':
      return [{ kind: 'polygon', rings: [flat(pts)] }];
    case 'rectangle':
      return [extentBox(pts)];
    case 'circle':
      return [circlePolygon(pts)];
    case 'point':
      return [{ kind: 'point', x: pts[0]![0]!, y: pts[0]![1]! }];
    case 'points':
      return pts.map((p) => ({ kind: 'point', x: p[0]!, y: p[1]! }));
    case 'mask': {
      if (typeof s.mask !== 'string') return 'shape_type "mask" needs a base64 PNG in "mask"';
      const g = await maskGeometry(s.mask, pts, widthPx, heightPx);
      return typeof g === 'string' ? g : [g];
    }
    case 'line':
    case 'linestrip':
      return `shape_type "${type}" (an open line) has no RadioLabel geometry; skipped`;
    default:
      return `unknown shape_type "${type}"`;
  }
}

/** Reads one labelme JSON file into an image reference and its shapes. */
export async function readLabelmeFile(
  file: string,
  display: string,
  errors: ErrorList,
  options: ReaderOptions,
): Promise<ParsedImage | null> {
  const doc = parseJson(
    await readTextLimited(file, options.maxFileBytes ?? DEFAULT_MAX_JSON_BYTES, display),
    display,
  );
  if (!isObject(doc)) throw new Error(`${display}: expected a labelme JSON object`);
  if (typeof doc.imagePath !== 'string' || doc.imagePath === '')
    throw new Error(`${display}: "imagePath" must be a string`);
  const W = doc.imageWidth;
  const H = doc.imageHeight;
  if (!isNum(W) || !isNum(H) || !Number.isInteger(W) || !Number.isInteger(H) || W <= 0 || H <= 0) {
    throw new Error(`${display}: "imageWidth" and "imageHeight" must be positive integers`);
  }
  if (!Array.isArray(doc.shapes)) throw new Error(`${display}: "shapes" must be a list`);
  const imagePath = doc.imagePath.replace(/\\/g, '/');
  const localFile = path.resolve(path.dirname(file), imagePath);
  const annotations: ParsedAnnotation[] = [];
  // Shapes sharing (label, group_id) are one instance: their polygon rings are merged (even-odd).
  const groups = new Map<string, number>();
  for (let i = 0; i < doc.shapes.length; i++) {
    const s: unknown = doc.shapes[i];
    const where = `${display}: shapes[${i}]`;
    if (!isObject(s)) {
      errors.add(`${where}: not an object`);
      continue;
    }
    if (typeof s.label !== 'string' || s.label.trim() === '') {
      errors.add(`${where}: "label" must be a non-empty string`);
      continue;
    }
    const geoms = await labelmeShapeGeometry(s, W, H);
    if (typeof geoms === 'string') {
      errors.add(`${where}: ${geoms}`);
      continue;
    }
    const groupId = typeof s.group_id === 'number' ? s.group_id : null;
    for (const g of geoms) {
      const key = groupId === null ? null : `${s.label}\u0000${groupId}`;
      const at = key === null ? undefined : groups.get(key);
      const prev = at === undefined ? undefined : annotations[at];
      if (prev !== undefined && prev.geometry.kind === 'polygon' && g.kind === 'polygon') {
        annotations[at!] = {
          ...prev,
          geometry: { kind: 'polygon', rings: [...prev.geometry.rings, ...g.rings] },
        };
        continue;
      }
      if (key !== null && g.kind === 'polygon') groups.set(key, annotations.length);
      annotations.push({
        labelName: s.label,
        geometry: g,
        normalized: false,
        iscrowd: false,
        score: null,
        where,
      });
    }
  }
  // labelme draws grouped polygons one over the other (a union): keep overlapping groups exactly.
  const merged = annotations.map((a) =>
    a.geometry.kind === 'polygon' && a.geometry.rings.length > 1
      ? { ...a, geometry: unionAsGeometry(a.geometry.rings, W, H) }
      : a,
  );
  return {
    ref: {
      display: `${display} → ${imagePath}`,
      fileName: path.posix.basename(imagePath),
      relativePath: imagePath,
      findLocalFile: async () => ((await isFile(localFile)) ? localFile : undefined),
      widthPx: W,
      heightPx: H,
    },
    annotations: merged,
  };
}

/** Reads a labelme JSON file, or every labelme JSON under a folder. A bad file is reported and skipped. */
export async function* readLabelme(
  input: string,
  errors: ErrorList,
  options: ReaderOptions,
): AsyncIterable<ParsedImage> {
  const abs = path.resolve(input);
  const folder = await isDirectory(abs);
  if (!folder && !(await isFile(abs))) throw new Error(`${input}: no such file or folder`);
  const files = folder ? await walkFiles(abs, ['.json']) : [abs];
  for (const file of files) {
    const display = folder ? toPosix(path.relative(abs, file)) : path.basename(file);
    try {
      const parsed = await readLabelmeFile(file, display, errors, options);
      if (parsed) yield parsed;
    } catch (e) {
      errors.add(e instanceof Error ? e.message : String(e));
    }
  }
}
