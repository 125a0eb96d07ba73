import {
  type Attributes,
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTE_TEXT_CHARS,
  MAX_ATTRIBUTE_NAME_CHARS,
} from './attributes';
import { MAX_COORD_PX } from './geometry';

/**
 * The rules of GeometrySchema and AttributesSchema as plain checks, for bulk paths (an import writes
 * millions of annotations; a schema object per value would cost more than reading the file). They accept
 * any input and say what is wrong with it, naming the field; tests/unit/contract/geometry-check.test.ts
 * holds them to the zod schemas on random and edge-case values so the two cannot drift apart.
 */

export interface Problem {
  /** Dotted path below the checked value ('' for the value itself), as zod issues name it. */
  readonly path: string;
  readonly message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const coordOk = (v: unknown): boolean =>
  typeof v === 'number' && Number.isFinite(v) && v >= -MAX_COORD_PX && v <= MAX_COORD_PX;
const sizeOk = (v: unknown): boolean =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_COORD_PX;
const posInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;

function checkKeys(
  g: Record<string, unknown>,
  keys: readonly string[],
  numeric: (k: string) => boolean,
): Problem | null {
  for (const k of keys) {
    if (!numeric(k)) return { path: k, message: `${k} must be a finite number within ±${MAX_COORD_PX}` };
  }
  return null;
}

function checkXY(xy: unknown, path: string, min: number, what: string): Problem | null {
  if (!Array.isArray(xy)) return { path, message: `${what} must be a list of numbers` };
  if (xy.length < min)
    return {
      path,
      message: `${what === 'a ring' ? 'a ring needs at least 3 points' : 'a polyline needs at least 2 points'}`,
    };
  if (xy.length % 2 !== 0) return { path, message: `${what} needs an even number of coordinates` };
  for (let i = 0; i < xy.length; i++) {
    if (!coordOk(xy[i]))
      return { path: `${path}.${i}`, message: `coordinates must be finite numbers within ±${MAX_COORD_PX}` };
  }
  return null;
}

/** What is wrong with a geometry (null when GeometrySchema would accept it). */
export function geometryProblem(g: unknown): Problem | null {
  if (!isRecord(g)) return { path: '', message: 'a geometry must be an object' };
  switch (g.kind) {
    case 'box':
      return checkKeys(g, ['x', 'y', 'widthPx', 'heightPx'], (k) =>
        k === 'x' || k === 'y' ? coordOk(g[k]) : sizeOk(g[k]),
      );
    case 'point':
      return checkKeys(g, ['x', 'y'], (k) => coordOk(g[k]));
    case 'rotated_box': {
      const p = checkKeys(g, ['cx', 'cy', 'widthPx', 'heightPx'], (k) =>
        k === 'cx' || k === 'cy' ? coordOk(g[k]) : sizeOk(g[k]),
      );
      if (p !== null) return p;
      const r = g.rotationDeg;
      return typeof r === 'number' && Number.isFinite(r) && r >= 0 && r < 360
        ? null
        : { path: 'rotationDeg', message: 'rotationDeg must be in [0, 360)' };
    }
    case 'polygon': {
      if (!Array.isArray(g.rings) || g.rings.length === 0)
        return { path: 'rings', message: 'a polygon needs at least one ring' };
      for (let i = 0; i < g.rings.length; i++) {
        const p = checkXY(g.rings[i], `rings.${i}`, 6, 'a ring');
        if (p !== null) return p;
      }
      return null;
    }
    case 'polyline':
      return checkXY(g.points, 'points', 4, 'a polyline');
    case 'mask': {
      const rle = g.rle;
      if (!isRecord(rle)) return { path: 'rle', message: 'rle must be {size, counts}' };
      const size = rle.size;
      if (!Array.isArray(size) || size.length !== 2 || !posInt(size[0]) || !posInt(size[1])) {
        return { path: 'rle.size', message: 'rle.size must be [height, width], positive integers' };
      }
      return typeof rle.counts === 'string'
        ? null
        : { path: 'rle.counts', message: 'rle.counts must be a string' };
    }
    case 'tag':
      return null;
    default:
      return { path: 'kind', message: `unknown geometry kind ${JSON.stringify(g.kind)}` };
  }
}

/** What is wrong with attribute values (null when AttributesSchema would accept them). */
export function attributesProblem(a: unknown): Problem | null {
  if (!isRecord(a)) return { path: '', message: 'attributes must be an object' };
  const keys = Object.keys(a);
  if (keys.length > MAX_ATTRIBUTES) return { path: '', message: `at most ${MAX_ATTRIBUTES} attributes` };
  for (const k of keys) {
    const name = k.trim();
    if (name.length === 0) return { path: k, message: 'an attribute needs a name' };
    if (name.length > MAX_ATTRIBUTE_NAME_CHARS)
      return { path: k, message: `an attribute name has at most ${MAX_ATTRIBUTE_NAME_CHARS} characters` };
    const v = a[k];
    const ok =
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      (typeof v === 'string' && v.length <= MAX_ATTRIBUTE_TEXT_CHARS);
    if (!ok) return { path: k, message: 'an attribute value is text, a finite number or true/false' };
  }
  return null;
}

/** Checked attributes as the store keeps them (names trimmed, as the schema does). */
export function cleanAttributes(a: Attributes): Attributes {
  let trimmed = true;
  for (const k of Object.keys(a)) if (k !== k.trim()) trimmed = false;
  return trimmed ? a : Object.fromEntries(Object.entries(a).map(([k, v]) => [k.trim(), v]));
}
