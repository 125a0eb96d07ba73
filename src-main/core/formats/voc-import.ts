import fs from 'node:fs/promises';
import path from 'node:path';
import { type AttributeSpec, parseLooseBoolean } from '@contract';
import { isDirectory, isFile, readTextLimited, toPosix } from './files';
import type { ErrorList, ImportEvent, ParsedAnnotation, ReaderOptions } from './import-types';
import { classTable, majorityClass, maskOf, readIndexPng } from './voc-masks';
import type { LabelDecl } from './source';
import { IGNORE_LABEL, VOC_VOID_INDEX } from './voc-palette';
import { child, childText, children, parseXml, type XmlElement } from './xml-tree';

const XML_BYTES = 16 * 1024 * 1024;

/** VOC's own object fields, declared on every label a VOC file uses. */
const VOC_ATTRIBUTES: readonly AttributeSpec[] = [
  { kind: 'boolean', name: 'difficult', default: false },
  { kind: 'boolean', name: 'truncated', default: false },
  { kind: 'boolean', name: 'occluded', default: false },
];

type VocBox = { x: number; y: number; w: number; h: number };

interface VocObjectXml {
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly box: VocBox | null;
  /** Person layout parts (head, hand, foot): boxes of the same object, as Datumaro reads them. */
  readonly parts: readonly { readonly name: string; readonly box: VocBox }[];
  readonly where: string;
}

/** A <bndbox>: 1-based inclusive pixel indices, pixel xmin..xmax covering [xmin-1, xmax). */
function readBndbox(bb: XmlElement | undefined, where: string, errors: ErrorList): VocBox | null {
  if (bb === undefined) return null;
  const v = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => Number(childText(bb, k)));
  if (!v.every(Number.isFinite)) {
    errors.add(`${where}: bndbox: xmin, ymin, xmax, ymax must be numbers`);
    return null;
  }
  const [xmin, ymin, xmax, ymax] = v as [number, number, number, number];
  const box = { x: xmin - 1, y: ymin - 1, w: xmax - xmin + 1, h: ymax - ymin + 1 };
  if (box.w <= 0 || box.h <= 0) {
    errors.add(`${where}: bndbox: empty box (xmax < xmin or ymax < ymin)`);
    return null;
  }
  return box;
}

function readObject(o: XmlElement, i: number, display: string, errors: ErrorList): VocObjectXml | null {
  const where = `${display}: object[${i}]`;
  const name = childText(o, 'name');
  if (name === undefined || name === '') {
    errors.add(`${where}: name: missing`);
    return null;
  }
  const attributes: Record<string, unknown> = {};
  for (const key of ['difficult', 'truncated', 'occluded']) {
    const t = childText(o, key);
    if (t === undefined) continue;
    const b = parseLooseBoolean(t);
    if (b === null) errors.add(`${where}: ${key}: expected 0 or 1, got ${JSON.stringify(t)}`);
    else attributes[key] = b;
  }
  const pose = childText(o, 'pose');
  if (pose !== undefined && pose !== '' && pose !== 'Unspecified') attributes.pose = pose;
  // CVAT's and Datumaro's extension: <attributes><attribute><name/><value/></attribute></attributes>.
  for (const a of children(
    child(o, 'attributes') ?? { name: '', attrs: {}, children: [], text: '' },
    'attribute',
  )) {
    const k = childText(a, 'name');
    const v = childText(a, 'value');
    // Datumaro and our export write booleans as true/false; other values stay text unless the label
    // declares their type (then they are read as that type).
    if (k !== undefined && k !== '' && v !== undefined)
      attributes[k] = v === 'true' ? true : v === 'false' ? false : v;
  }
  // Action classification: each action element is a true/false attribute of the object.
  for (const a of child(o, 'actions')?.children ?? []) {
    const b = parseLooseBoolean(a.text.trim());
    if (b !== null) attributes[a.name] = b;
  }
  const bb = child(o, 'bndbox');
  const box = readBndbox(bb, where, errors);
  // A box that is there but unreadable leaves the object out (the error names it).
  if (bb !== undefined && box === null) return null;
  const parts = children(o, 'part').flatMap((p, k) => {
    const partName = childText(p, 'name') ?? '';
    const partBox = readBndbox(child(p, 'bndbox'), `${where}: part[${k}]`, errors);
    return partName === '' || partBox === null ? [] : [{ name: partName, box: partBox }];
  });
  return { name, attributes, box, parts, where };
}

async function resolveRoot(input: string): Promise<string> {
  const abs = path.resolve(input);
  if (await isFile(abs)) {
    const dir = path.dirname(abs);
    return path.basename(dir) === 'Annotations' ? path.dirname(dir) : dir;
  }
  if (!(await isDirectory(abs))) throw new Error(`${input}: no such file or folder`);
  if (path.basename(abs) === 'Annotations') return path.dirname(abs);
  // The VOCdevkit zip nests VOC2012/ inside: accept the devkit folder with one year inside.
  if (!(await isDirectory(path.join(abs, 'Annotations')))) {
    const inner = (await fs.readdir(abs, { withFileTypes: true })).filter(
      (e) => e.isDirectory() && /^VOC\d{4}$/.test(e.name),
    );
    if (inner.length === 1) return path.join(abs, inner[0]!.name);
  }
  return abs;
}

async function stemsIn(dir: string, ext: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir))
      .filter((n) => n.toLowerCase().endsWith(ext))
      .map((n) => n.slice(0, -ext.length))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Reads a Pascal VOC dataset: Annotations/*.xml boxes (difficult, truncated and occluded as attributes,
 * pose and CVAT/Datumaro <attributes> too) and SegmentationObject / SegmentationClass PNGs as masks.
 * With instance PNGs, object i's mask joins its XML box in one group (Datumaro's reading); with only
 * class PNGs, each class present is one mask. Void (255) becomes one `__ignore__` mask per image, which
 * the VOC export paints as void again.
 */
export async function* readVoc(
  input: string,
  errors: ErrorList,
  _options: ReaderOptions,
): AsyncGenerator<ImportEvent, void, undefined> {
  const root = await resolveRoot(input);
  const annDir = path.join(root, 'Annotations');
  const objDir = path.join(root, 'SegmentationObject');
  const clsDir = path.join(root, 'SegmentationClass');
  const xmlStems = await stemsIn(annDir, '.xml');
  const segStems = [...new Set([...(await stemsIn(objDir, '.png')), ...(await stemsIn(clsDir, '.png'))])];
  const stems = [...new Set([...xmlStems, ...segStems])].sort();
  if (stems.length === 0)
    throw new Error(
      `${toPosix(input)}: no Pascal VOC dataset here (no Annotations/*.xml or Segmentation*/ PNGs)`,
    );
  const table = await classTable(root);
  const declared = new Set<string>();
  for (const stem of stems) {
    const xmlDisplay = `Annotations/${stem}.xml`;
    let fileName = `${stem}.jpg`;
    let size: { w: number; h: number } | null = null;
    const objects: VocObjectXml[] = [];
    if (xmlStems.includes(stem)) {
      try {
        const doc = parseXml(
          await readTextLimited(path.join(annDir, `${stem}.xml`), XML_BYTES, xmlDisplay),
          xmlDisplay,
        );
        fileName = childText(doc, 'filename') || fileName;
        const s = child(doc, 'size');
        const w = Number(s && childText(s, 'width'));
        const h = Number(s && childText(s, 'height'));
        if (Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0) size = { w, h };
        children(doc, 'object').forEach((o, i) => {
          const obj = readObject(o, i, xmlDisplay, errors);
          if (obj !== null) objects.push(obj);
        });
      } catch (e) {
        errors.add(e instanceof Error ? e.message : String(e));
        continue;
      }
    }
    const newNames = [...new Set(objects.map((o) => o.name))].filter((n) => !declared.has(n));
    if (newNames.length > 0) {
      newNames.forEach((n) => declared.add(n));
      yield {
        kind: 'labels',
        labels: newNames.map((name): LabelDecl => ({ name, attributes: VOC_ATTRIBUTES })),
      };
    }
    const annotations: ParsedAnnotation[] = [];
    const png = async (
      dir: string,
      folder: string,
    ): Promise<Awaited<ReturnType<typeof readIndexPng>> | null> => {
      const file = path.join(dir, `${stem}.png`);
      if (!(await isFile(file))) return null;
      try {
        const p = await readIndexPng(file, `${folder}/${stem}.png`);
        if (size !== null && (p.widthPx !== size.w || p.heightPx !== size.h)) {
          errors.add(
            `${folder}/${stem}.png: the PNG is ${p.widthPx}×${p.heightPx} but the XML says ${size.w}×${size.h}; left out`,
          );
          return null;
        }
        return p;
      } catch (e) {
        errors.add(`${folder}/${stem}.png: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      }
    };
    const objPng = await png(objDir, 'SegmentationObject');
    const clsPng = await png(clsDir, 'SegmentationClass');
    const W = objPng?.widthPx ?? clsPng?.widthPx ?? size?.w ?? 0;
    const H = objPng?.heightPx ?? clsPng?.heightPx ?? size?.h ?? 0;
    if (size === null && W > 0) size = { w: W, h: H };
    const classNameOf = (index: number): string | undefined => table.nameOf.get(index);
    objects.forEach((o, i) => {
      const mask = objPng === null ? null : maskOf(objPng.pixels, i + 1, W, H);
      const groupKey = mask === null && o.parts.length === 0 ? null : `object${i + 1}`;
      for (const part of o.parts) {
        annotations.push({
          labelName: part.name,
          geometry: { kind: 'box', x: part.box.x, y: part.box.y, widthPx: part.box.w, heightPx: part.box.h },
          normalized: false,
          iscrowd: false,
          score: null,
          groupKey,
          where: `${o.where}: part ${part.name}`,
        });
      }
      if (o.box !== null) {
        annotations.push({
          labelName: o.name,
          geometry: { kind: 'box', x: o.box.x, y: o.box.y, widthPx: o.box.w, heightPx: o.box.h },
          normalized: false,
          iscrowd: false,
          score: null,
          attributes: o.attributes,
          ...(groupKey === null ? {} : { groupKey }),
          where: o.where,
        });
      }
      if (mask !== null && objPng !== null) {
        // Datumaro takes an instance mask's class from SegmentationClass when there is one.
        const fromClass =
          clsPng === null ? undefined : classNameOf(majorityClass(objPng.pixels, clsPng.pixels, i + 1));
        annotations.push({
          labelName: fromClass ?? o.name,
          geometry: mask,
          normalized: false,
          iscrowd: false,
          score: null,
          groupKey,
          where: `SegmentationObject/${stem}.png: instance ${i + 1}`,
        });
      }
    });
    if (objPng !== null) {
      // Instances beyond the XML's objects: their class comes from the class PNG.
      const values = new Set(objPng.pixels);
      for (const v of [...values].sort((a, b) => a - b)) {
        if (v === 0 || v === VOC_VOID_INDEX || v <= objects.length) continue;
        const name = classNameOf(clsPng === null ? 0 : majorityClass(objPng.pixels, clsPng.pixels, v));
        const where = `SegmentationObject/${stem}.png: instance ${v}`;
        if (name === undefined) {
          errors.add(`${where}: no XML object and no class in SegmentationClass; left out`);
          continue;
        }
        annotations.push({
          labelName: name,
          geometry: maskOf(objPng.pixels, v, W, H)!,
          normalized: false,
          iscrowd: false,
          score: null,
          where,
        });
      }
    } else if (clsPng !== null) {
      for (const v of [...new Set(clsPng.pixels)].sort((a, b) => a - b)) {
        if (v === 0 || v === VOC_VOID_INDEX) continue;
        const where = `SegmentationClass/${stem}.png: class ${v}`;
        const name = classNameOf(v);
        if (name === undefined) {
          errors.add(`${where}: not a class of ${table.source}; left out`);
          continue;
        }
        annotations.push({
          labelName: name,
          geometry: maskOf(clsPng.pixels, v, W, H)!,
          normalized: false,
          iscrowd: false,
          score: null,
          where,
        });
      }
    }
    const voidSource = objPng ?? clsPng;
    const voidMask = voidSource === null ? null : maskOf(voidSource.pixels, VOC_VOID_INDEX, W, H);
    if (voidMask !== null) {
      annotations.push({
        labelName: IGNORE_LABEL,
        geometry: voidMask,
        normalized: false,
        iscrowd: false,
        score: null,
        where: `${objPng ? 'SegmentationObject' : 'SegmentationClass'}/${stem}.png: void (255)`,
      });
    }
    yield {
      kind: 'image',
      key: stem,
      ref: {
        display: xmlStems.includes(stem) ? xmlDisplay : `${stem} (segmentation PNGs)`,
        fileName,
        relativePath: `JPEGImages/${fileName}`,
        findLocalFile: async () => {
          const f = path.join(root, 'JPEGImages', fileName);
          return (await isFile(f)) ? f : undefined;
        },
        stem,
        ...(size === null ? {} : { widthPx: size.w, heightPx: size.h }),
      },
      annotations,
    };
  }
}
