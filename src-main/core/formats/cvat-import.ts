import path from 'node:path';
import { parseLooseBoolean, type AttributeSpec, type Geometry } from '@contract';
import { countsToMask, encodeMask } from '../segment/rle';
import { isDirectory, isFile, toPosix } from './files';
import type { ErrorList, ImportEvent, ParsedAnnotation, ReaderOptions } from './import-types';
import type { LabelDecl } from './source';
import { child, childText, children, streamXmlElements, type XmlElement } from './xml-tree';

/** Vertices of the polygon an ellipse becomes (RadioLabel has no ellipse). */
const ELLIPSE_VERTICES = 64;

/** CVAT attribute values: one per line (older files separate them with spaces). */
const splitValues = (text: string): string[] =>
  (text.includes('\n') ? text.split(/\r?\n/) : text.split(/\s+/))
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** A label's attribute from CVAT's meta (checkbox, radio/select, number, text). */
export function cvatAttributeSpec(a: XmlElement): AttributeSpec | string {
  const name = childText(a, 'name') ?? '';
  if (name === '') return 'attribute without a name';
  const type = (childText(a, 'input_type') ?? 'text').toLowerCase();
  const def = childText(a, 'default_value') ?? '';
  const values = splitValues(child(a, 'values')?.text ?? '');
  switch (type) {
    case 'checkbox':
      return { kind: 'boolean', name, default: parseLooseBoolean(def) ?? false };
    case 'radio':
    case 'select': {
      const options = values.length > 0 ? values : def !== '' ? [def] : [];
      if (options.length === 0) return `attribute "${name}": ${type} without values`;
      return { kind: 'one_of', name, options, default: options.includes(def) ? def : options[0]! };
    }
    case 'number': {
      const [min, max, step] = values.map(Number);
      const bound = (v: number | undefined): number | null =>
        v !== undefined && Number.isFinite(v) ? v : null;
      const lo = bound(min);
      const hi = bound(max);
      const ordered = lo !== null && hi !== null && lo > hi ? [hi, lo] : [lo, hi];
      const d = Number(def);
      return {
        kind: 'number',
        name,
        default: Number.isFinite(d) ? d : (ordered[0] ?? 0),
        min: ordered[0] ?? null,
        max: ordered[1] ?? null,
        step: step !== undefined && Number.isFinite(step) && step > 0 ? step : null,
      };
    }
    default:
      return { kind: 'text', name, default: def };
  }
}

/** Labels of a task, job or project export, with colours and attributes. */
function metaLabels(meta: XmlElement, display: string, errors: ErrorList): LabelDecl[] {
  const out: LabelDecl[] = [];
  const visit = (e: XmlElement): void => {
    if (e.name === 'labels') {
      for (const l of children(e, 'label')) {
        const name = childText(l, 'name') ?? '';
        if (name === '') continue;
        const specs: AttributeSpec[] = [];
        for (const a of children(child(l, 'attributes') ?? l, 'attribute')) {
          const spec = cvatAttributeSpec(a);
          if (typeof spec === 'string') errors.add(`${display}: meta: label "${name}": ${spec}`);
          else if (spec.name !== 'occluded') specs.push(spec);
        }
        const color = childText(l, 'color');
        out.push({ name, attributes: specs, ...(color && /^#[0-9a-fA-F]{6}$/.test(color) ? { color } : {}) });
      }
      return;
    }
    e.children.forEach(visit);
  };
  visit(meta);
  return out;
}

function parsePoints(text: string | undefined): number[] | string {
  if (text === undefined || text.trim() === '') return 'points: missing';
  const out: number[] = [];
  for (const pair of text.split(';')) {
    const xy = pair.split(',').map(Number);
    if (xy.length !== 2 || !xy.every(Number.isFinite)) return `points: "${pair}" is not x,y`;
    out.push(xy[0]!, xy[1]!);
  }
  return out;
}

const num = (e: XmlElement, k: string): number => Number(e.attrs[k]);

/** CVAT mask: run lengths over the row-major crop at (left, top), starting with background. */
export function cvatMask(e: XmlElement, widthPx: number, heightPx: number): Geometry | string {
  const [left, top, w, h] = ['left', 'top', 'width', 'height'].map((k) => num(e, k)) as [
    number,
    number,
    number,
    number,
  ];
  if (![left, top, w, h].every((v) => Number.isInteger(v) && v >= 0) || w === 0 || h === 0) {
    return 'left, top, width, height: must be non-negative integers (a non-empty crop)';
  }
  const counts = (e.attrs.rle ?? '').split(',').map((s) => Number(s.trim()));
  if (counts.length === 0 || !counts.every((c) => Number.isInteger(c) && c >= 0))
    return 'rle: must be a list of run lengths';
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== w * h) return `rle: the runs cover ${total} pixels, the ${w}×${h} crop has ${w * h}`;
  // CVAT's runs go row by row over the crop: read them as the COCO runs of one column.
  const crop = countsToMask(counts, w * h, 1);
  const mask = new Uint8Array(widthPx * heightPx);
  for (let y = 0; y < h && top + y < heightPx; y++) {
    for (let x = 0; x < w && left + x < widthPx; x++) mask[(top + y) * widthPx + left + x] = crop[y * w + x]!;
  }
  return { kind: 'mask', rle: encodeMask(mask, widthPx, heightPx) };
}

function ellipsePolygon(e: XmlElement): Geometry {
  const cx = num(e, 'cx');
  const cy = num(e, 'cy');
  const rx = Math.abs(num(e, 'rx') - cx);
  const ry = Math.abs(num(e, 'ry') - cy);
  const t = ((Number(e.attrs.rotation) || 0) * Math.PI) / 180;
  const ring: number[] = [];
  for (let k = 0; k < ELLIPSE_VERTICES; k++) {
    const a = (2 * Math.PI * k) / ELLIPSE_VERTICES;
    const x = rx * Math.cos(a);
    const y = ry * Math.sin(a);
    ring.push(cx + x * Math.cos(t) - y * Math.sin(t), cy + x * Math.sin(t) + y * Math.cos(t));
  }
  return { kind: 'polygon', rings: [ring] };
}

/** Geometries of one shape element (several for `points`), or why it is refused. */
function shapeGeometries(e: XmlElement, widthPx: number, heightPx: number): Geometry[] | string {
  switch (e.name) {
    case 'box': {
      const [xtl, ytl, xbr, ybr] = ['xtl', 'ytl', 'xbr', 'ybr'].map((k) => num(e, k)) as [
        number,
        number,
        number,
        number,
      ];
      if (![xtl, ytl, xbr, ybr].every(Number.isFinite)) return 'xtl, ytl, xbr, ybr: must be numbers';
      const rotation = Number(e.attrs.rotation ?? 0);
      const w = xbr - xtl;
      const h = ybr - ytl;
      if (w < 0 || h < 0) return 'xbr < xtl or ybr < ytl';
      if (Number.isFinite(rotation) && rotation % 360 !== 0) {
        return [
          {
            kind: 'rotated_box',
            cx: xtl + w / 2,
            cy: ytl + h / 2,
            widthPx: w,
            heightPx: h,
            rotationDeg: rotation,
          },
        ];
      }
      return [{ kind: 'box', x: xtl, y: ytl, widthPx: w, heightPx: h }];
    }
    case 'polygon': {
      const p = parsePoints(e.attrs.points);
      if (typeof p === 'string') return p;
      return p.length < 6 ? 'points: a polygon needs at least 3 points' : [{ kind: 'polygon', rings: [p] }];
    }
    case 'polyline': {
      const p = parsePoints(e.attrs.points);
      if (typeof p === 'string') return p;
      return p.length < 4 ? 'points: a polyline needs at least 2 points' : [{ kind: 'polyline', points: p }];
    }
    case 'points': {
      const p = parsePoints(e.attrs.points);
      if (typeof p === 'string') return p;
      const out: Geometry[] = [];
      for (let i = 0; i + 1 < p.length; i += 2) out.push({ kind: 'point', x: p[i]!, y: p[i + 1]! });
      return out;
    }
    case 'mask': {
      const g = cvatMask(e, widthPx, heightPx);
      return typeof g === 'string' ? g : [g];
    }
    case 'ellipse':
      return [ellipsePolygon(e)];
    case 'tag':
      return [{ kind: 'tag' }];
    default:
      return `<${e.name}> is not supported by RadioLabel yet`;
  }
}

const SHAPES = new Set([
  'box',
  'polygon',
  'polyline',
  'points',
  'mask',
  'ellipse',
  'tag',
  'cuboid',
  'skeleton',
]);

/** One <image> with its shapes. */
function readImage(img: XmlElement, display: string, errors: ErrorList): ImportEvent | null {
  const name = img.attrs.name ?? '';
  const W = Number(img.attrs.width);
  const H = Number(img.attrs.height);
  const at = `${display}: image ${JSON.stringify(name)} (id ${img.attrs.id ?? '?'})`;
  if (name === '' || !Number.isInteger(W) || !Number.isInteger(H) || W <= 0 || H <= 0) {
    errors.add(`${at}: name, width, height: required (positive integer size)`);
    return null;
  }
  const annotations: ParsedAnnotation[] = [];
  const unsupported = new Map<string, number>();
  img.children.forEach((e, i) => {
    if (!SHAPES.has(e.name)) return;
    const where = `${at}: <${e.name}> #${i + 1}`;
    const label = e.attrs.label ?? '';
    if (label === '') {
      errors.add(`${where}: label: empty (a shape without a label is left out)`);
      return;
    }
    const geoms = shapeGeometries(e, W, H);
    if (typeof geoms === 'string') {
      if (geoms.endsWith('not supported by RadioLabel yet'))
        unsupported.set(e.name, (unsupported.get(e.name) ?? 0) + 1);
      else errors.add(`${where}: ${geoms}`);
      return;
    }
    const attributes: Record<string, unknown> = {};
    let iscrowd = false;
    for (const a of children(e, 'attribute')) {
      const k = a.attrs.name ?? '';
      if (k === 'is_crowd') iscrowd = parseLooseBoolean(a.text.trim()) ?? false;
      else if (k !== '') attributes[k] = a.text;
    }
    if (e.attrs.occluded !== undefined) attributes.occluded = parseLooseBoolean(e.attrs.occluded) ?? false;
    const z = Number(e.attrs.z_order ?? 0);
    if (Number.isFinite(z) && z !== 0) attributes.z_order = z;
    const group = e.attrs.group_id;
    const groupKey =
      group !== undefined && group !== '' && group !== '0' ? `g${group}` : geoms.length > 1 ? `s${i}` : null;
    for (const geometry of geoms) {
      annotations.push({
        labelName: label,
        geometry,
        normalized: false,
        iscrowd,
        score: null,
        attributes,
        ...(groupKey === null ? {} : { groupKey }),
        where,
      });
    }
  });
  for (const [kind, n] of unsupported) {
    errors.add(`${at}: ${n} <${kind}> shape(s): not supported by RadioLabel yet; left out`);
  }
  const subset = img.attrs.subset;
  const rel = subset === undefined || subset === '' ? `images/${name}` : `images/${subset}/${name}`;
  return {
    kind: 'image',
    key: `${subset ?? ''}/${img.attrs.id ?? name}`,
    ref: {
      display: name,
      fileName: path.posix.basename(name.replace(/\\/g, '/')),
      relativePath: rel,
      stem: path.posix.basename(name, path.posix.extname(name)),
      widthPx: W,
      heightPx: H,
    },
    annotations,
  };
}

/**
 * Reads CVAT for images 1.1 XML (a task, job or project export): the labels with their attributes and
 * colours from <meta>, then every <image> with its boxes (rotated too), polygons, polylines, points,
 * masks, ellipses (as polygons), tags, attributes and groups. The file is streamed one <image> at a time.
 */
export async function* readCvat(
  input: string,
  errors: ErrorList,
  _options: ReaderOptions,
): AsyncGenerator<ImportEvent, void, undefined> {
  const abs = path.resolve(input);
  let file = abs;
  if (await isDirectory(abs)) file = path.join(abs, 'annotations.xml');
  if (!(await isFile(file))) throw new Error(`${toPosix(input)}: no CVAT annotations.xml here`);
  const display = path.basename(file);
  const base = path.dirname(file);
  let images = 0;
  for await (const el of streamXmlElements(file, display, new Set(['meta', 'image', 'track', 'version']))) {
    if (el.name === 'version' && el.text.trim() !== '1.1') {
      errors.add(`${display}: version: ${el.text.trim()}; this reader follows CVAT for images 1.1`);
    } else if (el.name === 'meta') {
      yield { kind: 'labels', labels: metaLabels(el, display, errors) };
    } else if (el.name === 'track') {
      throw new Error(
        `${display}: this is CVAT for video (it has <track>s); export the task as "CVAT for images 1.1"`,
      );
    } else if (el.name === 'image') {
      const ev = readImage(el, display, errors);
      if (ev === null || ev.kind !== 'image') continue;
      images++;
      const rel = ev.ref.relativePath!;
      yield {
        ...ev,
        ref: {
          ...ev.ref,
          findLocalFile: async () => {
            for (const c of [
              path.join(base, rel),
              path.join(base, 'images', ev.ref.fileName),
              path.join(base, ev.ref.fileName),
            ]) {
              if (await isFile(c)) return c;
            }
            return undefined;
          },
        },
      };
    }
  }
  if (images === 0) errors.add(`${display}: no <image> elements (nothing to import)`);
}
