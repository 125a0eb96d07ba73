import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type AttributeSpec, type Attributes, type Geometry } from '@contract';
import type { ExportItem, FormatWriter, WriterContext } from './export-types';
import { maskToCounts } from '../segment/rle';
import { classifyRings, decodeRleCropped, regionRle } from './shapes';
import type { ExportAnnotation, ExportLabel } from './source';
import { TextFileWriter } from './text-stream';
import { escapeXml } from './xml-tree';

/** Attributes CVAT keeps on the shape element itself (not in <attribute> children). */
const SHAPE_LEVEL = new Set(['occluded', 'z_order']);

const fmt = (v: number): string => {
  const r = Math.round(v * 100) / 100;
  return r.toFixed(2);
};
const attr = (k: string, v: string | number): string => ` ${k}="${escapeXml(String(v))}"`;

function specXml(s: AttributeSpec): string[] {
  let inputType: string;
  let def: string;
  let values: string;
  switch (s.kind) {
    case 'boolean':
      [inputType, def, values] = ['checkbox', String(s.default), 'false\ntrue'];
      break;
    case 'one_of':
      [inputType, def, values] = ['select', s.default, s.options.join('\n')];
      break;
    case 'number':
      [inputType, def, values] = [
        'number',
        String(s.default),
        [s.min ?? -1e9, s.max ?? 1e9, s.step ?? 1].map(String).join('\n'),
      ];
      break;
    case 'text':
      [inputType, def, values] = ['text', s.default, ''];
      break;
  }
  return [
    '            <attribute>',
    `              <name>${escapeXml(s.name)}</name>`,
    '              <mutable>False</mutable>',
    `              <input_type>${inputType}</input_type>`,
    `              <default_value>${escapeXml(def)}</default_value>`,
    `              <values>${escapeXml(values)}</values>`,
    '            </attribute>',
  ];
}

export function cvatMeta(labels: readonly ExportLabel[], now: Date): string {
  const lines = [
    '  <meta>',
    '    <task>',
    '      <name>RadioLabel export</name>',
    '      <mode>annotation</mode>',
    '      <labels>',
  ];
  for (const l of labels) {
    lines.push(
      '        <label>',
      `          <name>${escapeXml(l.name)}</name>`,
      `          <color>${l.color}</color>`,
      '          <type>any</type>',
    );
    const specs = l.attributes.filter((s) => !SHAPE_LEVEL.has(s.name));
    lines.push(specs.length === 0 ? '          <attributes></attributes>' : '          <attributes>');
    if (specs.length > 0) {
      for (const s of specs) lines.push(...specXml(s));
      lines.push('          </attributes>');
    }
    lines.push('        </label>');
  }
  lines.push('      </labels>', '    </task>', `    <dumped>${now.toISOString()}</dumped>`, '  </meta>');
  return lines.join('\n');
}

const pointsAttr = (xy: readonly number[]): string => {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < xy.length; i += 2) pairs.push(`${fmt(xy[i]!)},${fmt(xy[i + 1]!)}`);
  return attr('points', pairs.join(';'));
};

/** CVAT mask element: row-major runs over the tight crop, starting with background. */
function maskElement(rle: Parameters<typeof decodeRleCropped>[0]): string | null {
  const crop = decodeRleCropped(rle);
  if (crop === null) return null;
  // CVAT's runs go row by row over the crop: the COCO runs of the crop read as one column.
  const runs = maskToCounts(crop.mask, 1, crop.mask.length);
  return `${attr('rle', runs.join(', '))}${attr('left', crop.x0)}${attr('top', crop.y0)}${attr('width', crop.widthPx)}${attr('height', crop.heightPx)}`;
}

/** One annotation's XML elements (several for a polygon in parts), with its label, group and attributes. */
function shapeElements(
  label: string,
  a: ExportAnnotation,
  widthPx: number,
  heightPx: number,
  nextGroup: () => number,
  count: (k: string) => void,
): string[] {
  const common = (group: number | null): string => {
    const occluded = a.attributes.occluded === true ? 1 : 0;
    const z = typeof a.attributes.z_order === 'number' ? a.attributes.z_order : 0;
    return `${attr('label', label)} source="manual"${attr('occluded', occluded)}${attr('z_order', z)}${group === null ? '' : attr('group_id', group)}`;
  };
  const body = (attributes: Attributes): string[] => {
    const out = Object.entries(attributes)
      .filter(([k]) => !SHAPE_LEVEL.has(k))
      .map(([k, v]) => `      <attribute${attr('name', k)}>${escapeXml(String(v))}</attribute>`);
    if (a.iscrowd) out.push('      <attribute name="is_crowd">true</attribute>');
    return out;
  };
  const el = (tag: string, geometryAttrs: string, group: number | null = a.groupId): string => {
    const inner = body(a.attributes);
    return inner.length === 0
      ? `    <${tag}${common(group)}${geometryAttrs} />`
      : `    <${tag}${common(group)}${geometryAttrs}>\n${inner.join('\n')}\n    </${tag}>`;
  };
  const g: Geometry = a.geometry;
  switch (g.kind) {
    case 'box':
      return [
        el(
          'box',
          `${attr('xtl', fmt(g.x))}${attr('ytl', fmt(g.y))}${attr('xbr', fmt(g.x + g.widthPx))}${attr('ybr', fmt(g.y + g.heightPx))}`,
        ),
      ];
    case 'rotated_box': {
      const x0 = g.cx - g.widthPx / 2;
      const y0 = g.cy - g.heightPx / 2;
      return [
        el(
          'box',
          `${attr('xtl', fmt(x0))}${attr('ytl', fmt(y0))}${attr('xbr', fmt(x0 + g.widthPx))}${attr('ybr', fmt(y0 + g.heightPx))}${attr('rotation', fmt(g.rotationDeg))}`,
        ),
      ];
    }
    case 'polygon': {
      const { outers, holes } = classifyRings(g.rings);
      if (holes.length > 0) {
        // CVAT polygons cannot hold holes; a mask keeps them.
        const m = maskElement(regionRle(g, widthPx, heightPx)!);
        if (m === null) return [];
        count('polygonsAsMasks');
        return [el('mask', m)];
      }
      const group = outers.length > 1 && a.groupId === null ? nextGroup() : a.groupId;
      return outers.map((ring) => el('polygon', pointsAttr(ring), group));
    }
    case 'polyline':
      return [el('polyline', pointsAttr(g.points))];
    case 'point':
      return [el('points', pointsAttr([g.x, g.y]))];
    case 'mask': {
      const m = maskElement(g.rle);
      return m === null ? [] : [el('mask', m)];
    }
    case 'tag': {
      // CVAT tags carry a label, a source and attributes only.
      const inner = body(a.attributes);
      const open = `    <tag${attr('label', label)} source="manual"`;
      return [inner.length === 0 ? `${open} />` : `${open}>\n${inner.join('\n')}\n    </tag>`];
    }
  }
}

/**
 * CVAT for images 1.1: annotations.xml (labels with colours and attributes in <meta>, then one <image>
 * per image with boxes — rotated ones with `rotation` —, polygons, polylines, points, masks as CVAT RLE,
 * tags, group_id and attributes) and the images in images/. Streamed: <image> elements go to a side
 * file that is appended after the header.
 */
export function createCvatWriter(ctx: WriterContext): FormatWriter {
  const nameOf = new Map<number, string>(ctx.labels.map((l) => [l.id, l.name]));
  const side = new TextFileWriter(path.join(ctx.rootDir, '.images.part'));
  let nextId = 0;
  return {
    imageDir: () => 'images',
    async add(item: ExportItem): Promise<void> {
      const { image } = item;
      const name = item.placedPath === null ? image.absolutePath : path.posix.basename(item.placedPath);
      const lines = [
        `  <image${attr('id', nextId++)}${attr('name', name)}${attr('width', image.widthPx)}${attr('height', image.heightPx)}>`,
      ];
      let group = Math.max(0, ...item.annotations.map((a) => a.groupId ?? 0));
      for (const a of item.annotations) {
        const label = nameOf.get(a.labelId);
        if (label === undefined) {
          ctx.count('skippedBadGeometry');
          continue;
        }
        try {
          const els = shapeElements(
            label,
            a,
            image.widthPx,
            image.heightPx,
            () => ++group,
            (k) => ctx.count(k),
          );
          if (els.length === 0) ctx.count('skippedEmptyMasks');
          lines.push(...els);
        } catch {
          ctx.count('skippedBadGeometry');
        }
      }
      lines.push('  </image>');
      await side.write(lines.join('\n') + '\n');
    },
    async finish(): Promise<void> {
      await fs.mkdir(path.join(ctx.rootDir, 'images'), { recursive: true });
      await side.close();
      const main = new TextFileWriter(path.join(ctx.rootDir, 'annotations.xml'));
      try {
        await main.write(
          `<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n${cvatMeta(ctx.labels, ctx.now)}\n`,
        );
        for await (const chunk of createReadStream(side.filePath, { encoding: 'utf8' }))
          await main.write(chunk as string);
        await main.write('</annotations>\n');
        await main.close();
      } catch (e) {
        await main.abort();
        throw e;
      }
      await fs.rm(side.filePath);
    },
    abort: () => side.abort(),
  };
}
