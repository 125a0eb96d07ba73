import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDataset } from '../../../../src-main/core/formats/export-dataset';
import type { ExportOptions } from '../../../../src-main/core/formats/export-types';
import { countsFromString, polygonsToRle, rleArea } from '../../../../src-main/core/segment/rle';
import { MemoryProject, sampleProject, tempDir } from '../../../unit/core/formats/memory-project';

/**
 * What pycocotools needs from a COCO file before COCO(), annToMask and COCOeval work (specs/formats.md §1):
 * info and licenses present, width/height on images, unique annotation ids ≥ 1, category ids ≥ 1 that
 * exist, iscrowd 0/1, area and bbox numbers, and a non-empty segmentation (polygons of ≥ 3 points, or an
 * RLE whose size is the image's and whose runs cover it). Polygon areas are checked with our port of
 * frPoly, which tests/unit/core/segment/rle.test.ts holds to the vectors recorded from pycocotools.
 */
function cocoProblems(doc: Record<string, unknown>, needSegmentation: boolean): string[] {
  const problems: string[] = [];
  if (typeof doc.info !== 'object' || doc.info === null) problems.push('no info');
  if (!Array.isArray(doc.licenses)) problems.push('no licenses');
  const images = new Map<number, { width: number; height: number }>();
  for (const im of doc.images as { id: number; width: number; height: number }[]) {
    if (!(im.width > 0 && im.height > 0)) problems.push(`image ${im.id}: no size`);
    images.set(im.id, im);
  }
  const categories = new Set((doc.categories as { id: number }[]).map((c) => c.id));
  if ([...categories].some((id) => !(Number.isInteger(id) && id >= 1))) problems.push('category id < 1');
  const ids = new Set<number>();
  for (const a of doc.annotations as Record<string, unknown>[]) {
    const id = a.id as number;
    const at = `annotation ${id}`;
    if (!(Number.isInteger(id) && id >= 1) || ids.has(id)) problems.push(`${at}: id not unique or < 1`);
    ids.add(id);
    if (!categories.has(a.category_id as number)) problems.push(`${at}: unknown category`);
    const img = images.get(a.image_id as number);
    if (img === undefined) problems.push(`${at}: unknown image`);
    if (a.iscrowd !== 0 && a.iscrowd !== 1) problems.push(`${at}: iscrowd ${String(a.iscrowd)}`);
    if (typeof a.area !== 'number' || !(a.area > 0)) problems.push(`${at}: area ${String(a.area)}`);
    const bbox = a.bbox as number[];
    if (!Array.isArray(bbox) || bbox.length !== 4 || bbox[2]! < 0 || bbox[3]! < 0)
      problems.push(`${at}: bbox`);
    const seg = a.segmentation;
    if (seg === undefined) {
      if (needSegmentation) problems.push(`${at}: no segmentation`);
      continue;
    }
    if (Array.isArray(seg)) {
      if (seg.length === 0) problems.push(`${at}: empty segmentation (annToMask raises)`);
      const polys = seg as number[][];
      if (polys.some((p) => p.length < 6 || p.length % 2 !== 0))
        problems.push(`${at}: polygon with < 3 points`);
      // annToMask of the polygons has exactly the declared area (boxes: w·h, as loadRes writes).
      if (img && polys.length > 0 && rleArea(polygonsToRle(polys, img.height, img.width)) !== a.area) {
        problems.push(`${at}: area ${String(a.area)} but the polygons rasterise to another area`);
      }
    } else {
      const rle = seg as { size: [number, number]; counts: string };
      if (!img || rle.size[0] !== img.height || rle.size[1] !== img.width) problems.push(`${at}: RLE size`);
      const counts = countsFromString(rle.counts);
      if (counts.reduce((s, c) => s + c, 0) !== rle.size[0] * rle.size[1]) problems.push(`${at}: RLE runs`);
      if (rleArea(rle) !== a.area) problems.push(`${at}: RLE area`);
    }
  }
  return problems;
}

const python = ['python3', 'python'].find((bin) => spawnSync(bin, ['--version']).status === 0);
const CHECK = path.resolve(import.meta.dirname, '../../../fixtures/formats/coco_check.py');
/** pycocotools' verdict on the exports below, recorded where it was installed. */
const RECORDED = path.resolve(import.meta.dirname, '../../../fixtures/formats/pycocotools-recorded.json');
const RECORDED_WITH = 'pycocotools 2.0.11 (ppwwyyxx/cocoapi @ ac87f50, as on PyPI), numpy 1.24, Python 3.11';

interface Recorded {
  readonly recordedWith: string;
  readonly variants: Record<string, Omit<Checked, 'skip'>>;
}

interface Checked {
  readonly skip?: string;
  readonly masks: { id: number; mask_area: number | null; area: number }[];
  readonly bbox_ap: number | null;
  readonly segm_ap: number | null;
}

/** pycocotools' own verdict on the files, or the reason it cannot run here. */
function pycocotools(files: readonly string[]): { skip: string } | Checked[] {
  if (python === undefined) return { skip: 'no python3 on PATH' };
  const r = spawnSync(python, [CHECK, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`coco_check.py failed: ${r.stderr}`);
  // No files (the probe for importability) prints nothing when pycocotools is there.
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Checked);
  const skip = lines[0]?.skip;
  return skip === undefined ? lines : { skip };
}

describe('COCO exports as pycocotools reads them', () => {
  let dir: string;
  let sample: MemoryProject;
  let boxesOnly: MemoryProject;
  const exported = new Map<string, { file: string; needSegmentation: boolean }>();

  beforeAll(async () => {
    dir = await tempDir();
    sample = await sampleProject(path.join(dir, 'sample'));
    boxesOnly = new MemoryProject(path.join(dir, 'boxes'));
    const car = boxesOnly.addLabel('car');
    const img = boxesOnly.addImage('street.jpg', 64, 48);
    boxesOnly.add(img, car, { kind: 'box', x: 3, y: 4, widthPx: 20, heightPx: 10 });
    boxesOnly.add(img, car, { kind: 'box', x: 30, y: 20, widthPx: 11, heightPx: 25 });
    await boxesOnly.writeImageFiles();
    const variants: [string, MemoryProject, Partial<ExportOptions>][] = [
      ['auto', sample, {}],
      ['polygon', sample, { segmentation: 'polygon' }],
      ['rle', sample, { segmentation: 'rle' }],
      ['boxes', boxesOnly, {}],
      ['boxes-none', boxesOnly, { boxSegmentation: 'none' }],
    ];
    for (const [name, project, extra] of variants) {
      const out = path.join(dir, 'exports', name);
      await exportDataset(project, { format: 'coco', outDir: out, ...extra });
      exported.set(name, {
        file: path.join(out, 'annotations/instances_train.json'),
        needSegmentation: extra.boxSegmentation !== 'none',
      });
    }
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('every export meets pycocotools preconditions: a segmentation for every annotation, areas that annToMask gives', async () => {
    for (const [name, { file, needSegmentation }] of exported) {
      const doc = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
      expect(cocoProblems(doc, needSegmentation), name).toEqual([]);
    }
    // Box-only files: four-corner polygons by default; with box segmentation "none" the key is left out
    // (an empty list would make annToMask and detectron2's loader fail).
    const boxes = JSON.parse(await fs.readFile(exported.get('boxes')!.file, 'utf8')) as {
      annotations: { segmentation?: unknown }[];
    };
    expect(boxes.annotations[0]!.segmentation).toEqual([[3, 4, 23, 4, 23, 14, 3, 14]]);
    const none = JSON.parse(await fs.readFile(exported.get('boxes-none')!.file, 'utf8')) as {
      annotations: object[];
    };
    expect(none.annotations.every((a) => !('segmentation' in a))).toBe(true);
  });

  const verdict = pycocotools([]);
  const skipReason = 'skip' in verdict ? verdict.skip : '';
  it.skipIf(skipReason !== '')(
    `pycocotools loads every export: annToMask areas match, COCOeval bbox and segm give AP 1 on the ground truth${skipReason ? ` (skipped: ${skipReason})` : ''}`,
    async () => {
      const files = [...exported.values()].map((e) => e.file);
      const results = pycocotools(files);
      if ('skip' in results) throw new Error(results.skip);
      const recorded: Recorded = { recordedWith: RECORDED_WITH, variants: {} };
      results.forEach((r, i) => {
        const name = [...exported.keys()][i]!;
        for (const m of r.masks)
          if (m.mask_area !== null) expect(m.mask_area, `${name} annotation ${m.id}`).toBe(m.area);
        expect(r.bbox_ap, name).toBeCloseTo(1, 6);
        if (name !== 'boxes-none') expect(r.segm_ap, name).toBeCloseTo(1, 6);
        recorded.variants[name] = { masks: r.masks, bbox_ap: r.bbox_ap, segm_ap: r.segm_ap };
      });
      // What pycocotools says is recorded for machines without it (`vitest -u` records it anew).
      await expect(`${JSON.stringify(recorded, null, 2)}\n`).toMatchFileSnapshot(RECORDED);
    },
  );

  it('every export has the areas pycocotools computed for it (recorded), and COCOeval worked on it', async () => {
    const recorded = JSON.parse(await fs.readFile(RECORDED, 'utf8')) as Recorded;
    expect(Object.keys(recorded.variants)).toEqual([...exported.keys()]);
    for (const [name, { file }] of exported) {
      const doc = JSON.parse(await fs.readFile(file, 'utf8')) as {
        annotations: { id: number; area: number; segmentation?: unknown }[];
      };
      const r = recorded.variants[name]!;
      // Same annotations, and each declared area is the one annToMask gave (or no mask when none).
      expect(
        doc.annotations.map((a) => ({
          id: a.id,
          mask_area: 'segmentation' in a ? a.area : null,
          area: a.area,
        })),
        name,
      ).toEqual(r.masks);
      expect(r.bbox_ap, name).toBeCloseTo(1, 6);
      expect(r.segm_ap, name).toBe(name === 'boxes-none' ? null : 1);
    }
  });
});
