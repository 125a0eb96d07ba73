import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Geometry, isRegion } from '@contract';
import { exportDataset } from '../../../../src-main/core/formats/export-dataset';
import type { ExportFormat, ExportOptions } from '../../../../src-main/core/formats/export-types';
import { importAnnotations, type ImportFormat } from '../../../../src-main/core/formats/import-annotations';
import { geometryToMask } from '../../../../src-main/core/formats/shapes';
import { MemoryProject, sampleProject, tempDir } from '../../../unit/core/formats/memory-project';

type Result = Awaited<ReturnType<typeof importAnnotations>>;

/** What an annotation is, format-independently: label, kind, crowd, attributes, group, and its pixels or points. */
function signature(
  p: MemoryProject,
  opts: { kinds?: readonly Geometry['kind'][]; attributes?: boolean; crowd?: boolean; groups?: boolean } = {},
): string[] {
  const out: string[] = [];
  for (const img of p.imageList) {
    const groups = new Map<number, number>();
    for (const a of p.annotations.get(img.id) ?? []) {
      const g = a.geometry;
      if (opts.kinds && !opts.kinds.includes(g.kind)) continue;
      const label = p.labelList.find((l) => l.id === a.labelId)!.name;
      let shape: string;
      if (isRegion(g)) shape = Buffer.from(geometryToMask(g, img.widthPx, img.heightPx)!).toString('base64');
      else if (g.kind === 'point') shape = `${g.x},${g.y}`;
      else if (g.kind === 'polyline') shape = g.points.map((v) => v.toFixed(3)).join(',');
      else shape = 'image';
      const group =
        a.groupId === null ? '-' : `g${groups.get(a.groupId) ?? groups.set(a.groupId, groups.size + 1).size}`;
      const attrs = Object.entries(a.attributes).sort(([x], [y]) => (x < y ? -1 : 1));
      out.push(
        [
          img.fileName,
          label,
          opts.crowd === false ? '' : a.iscrowd ? 'crowd' : 'single',
          opts.attributes === false ? '' : JSON.stringify(attrs),
          opts.groups === false ? '' : group,
          shape,
        ].join('|'),
      );
    }
  }
  return out.sort();
}

const kindsOf = (p: MemoryProject): string[] =>
  [...p.annotations.values()]
    .flat()
    .map((a) => a.geometry.kind)
    .sort();

/** The project's images without labels or annotations: an import decides the labels. */
function imagesOnly(from: MemoryProject): MemoryProject {
  const p = new MemoryProject(from.dir);
  p.imageList.push(...from.imageList);
  return p;
}

describe('export → import round trips of the sample project', () => {
  let dir: string;
  let project: MemoryProject;
  beforeAll(async () => {
    dir = await tempDir();
    project = await sampleProject(path.join(dir, 'project'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function roundTrip(
    name: string,
    format: ExportFormat,
    importFormat: ImportFormat,
    importPath: (out: string) => string,
    extra: Partial<ExportOptions> = {},
  ): Promise<{ target: MemoryProject; first: Result; again: Result }> {
    const out = path.join(dir, name);
    await exportDataset(project, { format, outDir: out, ...extra });
    const target = imagesOnly(project);
    const first = await importAnnotations(target, { format: importFormat, path: importPath(out) });
    const again = await importAnnotations(target, { format: importFormat, path: importPath(out) });
    return { target, first, again };
  }

  it('COCO (auto): categories with ids, order and supercategory (unused too), attributes, crowds, rotated boxes, groups as one object', async () => {
    const { target, first, again } = await roundTrip('coco-auto', 'coco', 'coco', (o) =>
      path.join(o, 'annotations/instances_train.json'),
    );
    expect(first).toMatchObject({ errors: [], unmatched: [], matchedImages: 3, imported: 9 });
    expect(again).toMatchObject({ imported: 0, duplicates: 9 });
    expect(target.labelList.map((l) => [l.name, l.categoryId, l.supercategory])).toEqual([
      ['cat', 17, ''],
      ['dog', 18, ''],
      ['bird', 16, 'animal'],
    ]);
    // Every region is pixel-exact; the group of two triangles comes back as one two-ring polygon.
    const regions = { kinds: ['box', 'polygon', 'mask', 'rotated_box'] as Geometry['kind'][], groups: false };
    const merged = signature(project, regions).filter((s) => !s.startsWith('c.jpg|dog|single|[]||'));
    expect(signature(target, regions).filter((s) => !s.startsWith('c.jpg|dog|single|[]||'))).toEqual(merged);
    expect(kindsOf(target)).toEqual([
      'box',
      'box',
      'mask',
      'mask',
      'mask',
      'polygon',
      'polygon',
      'polygon',
      'rotated_box',
    ]);
    const rotated = target.annotations.get(3)!.find((a) => a.geometry.kind === 'rotated_box')!;
    expect(rotated.attributes).toEqual({ color: 'red', occluded: true });
    const g = rotated.geometry as Extract<Geometry, { kind: 'rotated_box' }>;
    for (const [k, v] of Object.entries({ cx: 10, cy: 8, widthPx: 8, heightPx: 4, rotationDeg: 30 })) {
      expect(g[k as keyof typeof g]).toBeCloseTo(v, 9);
    }
    // occluded=false (CVAT's default) is not turned into an attribute of every label.
    expect(target.labelList.find((l) => l.name === 'dog')!.attributes).toEqual([]);
    expect(target.annotations.get(2)!.find((a) => a.iscrowd)?.geometry.kind).toBe('mask');
  });

  it('COCO (RLE) keeps every region pixel-exact with its crowd flag', async () => {
    const { target, first } = await roundTrip(
      'coco-rle',
      'coco',
      'coco',
      (o) => path.join(o, 'annotations/instances_train.json'),
      {
        segmentation: 'rle',
      },
    );
    expect(first.errors).toEqual([]);
    const regions = {
      kinds: ['box', 'polygon', 'mask', 'rotated_box'] as Geometry['kind'][],
      groups: false,
      attributes: false,
    };
    const mergedGroup = (s: string): boolean => s.startsWith('c.jpg|dog|single|||') && !s.endsWith('AAAAAAA');
    expect(signature(target, regions).length).toBe(signature(project, regions).length - 1);
    expect(signature(target, regions).filter((s) => !mergedGroup(s))).toEqual(
      signature(project, regions).filter((s) => !mergedGroup(s)),
    );
  });

  it('CVAT for images keeps every kind, attribute, group, tag and crowd', async () => {
    const { target, first, again } = await roundTrip('cvat', 'cvat', 'cvat', (o) => o);
    expect(first).toMatchObject({ errors: [], unmatched: [], matchedImages: 3, imported: 13 });
    expect(again.imported).toBe(0);
    expect(signature(target)).toEqual(signature(project));
    expect(target.labelList.map((l) => [l.name, l.color])).toEqual([
      ['cat', '#ff0000'],
      ['dog', '#00ff00'],
      ['bird', '#0000ff'],
    ]);
    expect(target.labelList[0]!.attributes).toEqual([
      { kind: 'one_of', name: 'color', options: ['red', 'green'], default: 'green' },
      { kind: 'boolean', name: 'occluded', default: false },
    ]);
  });

  it('labelme keeps kinds, groups, image flags and boolean attributes (it has no crowds or text attributes)', async () => {
    const { target, first, again } = await roundTrip('labelme', 'labelme', 'labelme', (o) => o);
    expect(first).toMatchObject({ errors: [], imported: 13 });
    expect(again.imported).toBe(0);
    const known = { crowd: false, attributes: false };
    expect(signature(target, known)).toEqual(signature(project, known));
    const rotated = target.annotations.get(3)!.find((a) => a.geometry.kind === 'rotated_box')!;
    expect(rotated.attributes).toEqual({ occluded: true });
    expect(target.annotations.get(3)!.find((a) => a.geometry.kind === 'tag')).toBeDefined();
  });

  it('YOLO segment joins a group into one row (Ultralytics) and keeps names; detect keeps boxes; OBB keeps rotated boxes', async () => {
    const seg = await roundTrip('yolo-seg', 'yolo-seg', 'yolo', (o) => o);
    expect(seg.first.errors).toEqual([]);
    expect(seg.target.labelList.map((l) => l.name)).toEqual(['cat', 'dog', 'bird']);
    const tri = seg.target.annotations.get(1)!.find((a) => a.geometry.kind === 'polygon')!;
    expect(tri.geometry).toEqual({ kind: 'polygon', rings: [[10, 2, 18, 2, 14, 9]] });
    // Two triangles of one group, one row: the joined ring visits both.
    const joined = seg.target.annotations
      .get(3)!
      .filter((a) => a.labelId === seg.target.labelList[1]!.id && a.geometry.kind === 'polygon');
    expect(joined).toHaveLength(1);

    const det = await roundTrip('yolo-detect', 'yolo-detect', 'yolo', (o) => path.join(o, 'data.yaml'));
    expect(det.first.errors).toEqual([]);
    expect(det.target.annotations.get(1)![0]!.geometry).toEqual({
      kind: 'box',
      x: 2,
      y: 3,
      widthPx: 5,
      heightPx: 4,
    });
    expect(kindsOf(det.target).every((k) => k === 'box')).toBe(true);

    const obb = await roundTrip('yolo-obb', 'yolo-obb', 'yolo', (o) => o);
    expect(obb.first.errors).toEqual([]);
    const rotated = obb.target.annotations.get(3)!.find((a) => a.labelId === obb.target.labelList[0]!.id)!;
    expect(rotated.geometry.kind).toBe('rotated_box');
    const g = rotated.geometry as Extract<Geometry, { kind: 'rotated_box' }>;
    expect(g.rotationDeg).toBeCloseTo(30, 3);
    expect(g.widthPx).toBeCloseTo(8, 3);
  });

  it('Pascal VOC gives objects back as box + mask groups, crowds as difficult, and __ignore__ as void', async () => {
    const withIgnore = await sampleProject(path.join(dir, 'ignore-project'));
    const ignore = withIgnore.addLabel('__ignore__');
    withIgnore.add(withIgnore.imageList[0]!.id, ignore, {
      kind: 'box',
      x: 15,
      y: 10,
      widthPx: 4,
      heightPx: 4,
    });
    withIgnore.add(withIgnore.imageList[0]!.id, ignore, {
      kind: 'polygon',
      rings: [[15, 10, 19, 10, 19, 14, 15, 14]],
    });
    const out = path.join(dir, 'voc');
    await exportDataset(withIgnore, { format: 'voc', outDir: out });
    const target = imagesOnly(withIgnore);
    const r = await importAnnotations(target, { format: 'voc', path: out });
    expect(r.errors).toEqual([]);
    const a = target.annotations.get(1)!;
    const label = (id: number): string => target.labelList.find((l) => l.id === id)!.name;
    // The void region is painted 255 and read back as one __ignore__ mask, not as an object.
    const voids = a.filter((x) => label(x.labelId) === '__ignore__');
    expect(voids.map((x) => x.geometry.kind)).toEqual(['mask']);
    const voidMask = geometryToMask(voids[0]!.geometry, 20, 16)!;
    expect(voidMask.reduce((s, v) => s + v, 0)).toBe(16);
    // The triangle: its box and its mask in one group, with VOC's attributes.
    const dogs = a.filter((x) => label(x.labelId) === 'dog');
    expect(dogs.map((x) => x.geometry.kind)).toEqual(['box', 'mask']);
    expect(dogs[0]!.groupId).toBe(dogs[1]!.groupId);
    expect(dogs[0]!.attributes).toEqual({ difficult: false, truncated: false });
    expect(geometryToMask(dogs[1]!.geometry, 20, 16)).toEqual(
      geometryToMask(project.annotations.get(1)![1]!.geometry, 20, 16),
    );
    const crowd = target.annotations
      .get(2)!
      .find((x) => label(x.labelId) === 'dog' && x.geometry.kind === 'box')!;
    expect(crowd.attributes.difficult).toBe(true);
    const again = await importAnnotations(target, { format: 'voc', path: out });
    expect(again.imported).toBe(0);
  });
});
