import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Annotation, type Geometry, isRegion } from '@contract';
import { exportDataset } from '../../../../src-main/core/formats/export-dataset';
import type { ExportFormat } from '../../../../src-main/core/formats/export-types';
import { importAnnotations, type ImportFormat } from '../../../../src-main/core/formats/import-annotations';
import { projectExportSource, projectImportSink } from '../../../../src-main/core/formats/project-adapter';
import { geometryToMask } from '../../../../src-main/core/formats/shapes';
import { Project } from '../../../../src-main/core/project';
import { tempDirs } from '../../../fixtures/images/temp-dirs';

/**
 * Files written by other tools (Datumaro's and Label Studio converter's test assets, a CVAT export kept
 * by Datumaro, labelme files kept by labelme-rs) and files of ours written from a format's documentation (labelme, CVAT masks): imported
 * into a real project, checked against what the other tool reads from them, exported again and
 * re-imported unchanged. Sources and licences: tests/fixtures/formats/third-party/README.md.
 */

const temp = tempDirs('tools');
afterAll(() => temp.cleanup());

const FIX = path.resolve(import.meta.dirname, '../../../fixtures/formats');
const THIRD = path.join(FIX, 'third-party');

interface ImageSpec {
  readonly path: string;
  readonly w: number;
  readonly h: number;
  readonly sha256?: string;
}

function projectWith(images: readonly ImageSpec[]): Project {
  const project = Project.create(path.join(temp.make(), 'project'));
  images.forEach((img, i) =>
    project.images.insert({
      path: img.path,
      name: path.posix.basename(img.path),
      sha256: img.sha256 ?? i.toString(16).padStart(64, '0'),
      format: 'png',
      bytes: 100,
      widthPx: img.w,
      heightPx: img.h,
    }),
  );
  return project;
}

const importInto = (project: Project, format: ImportFormat, file: string) =>
  importAnnotations(projectImportSink(project), { format, path: file });

function annotationsOf(project: Project, imagePath: string): Annotation[] {
  const img = project.images.pageAfter(0, 1000).find((r) => r.path === imagePath);
  if (!img) throw new Error(`no image ${imagePath}`);
  return project.annotations.list(img.id).items;
}

/** Label, kind, crowd, attributes, group (numbered by first use) and pixels or points of every annotation. */
function signature(project: Project): string[] {
  const labels = new Map(project.labels.list().map((l) => [l.id, l.name]));
  const out: string[] = [];
  for (const img of project.images.pageAfter(0, 1000)) {
    const groups = new Map<number, number>();
    for (const a of project.annotations.list(img.id).items) {
      const g: Geometry = a.geometry;
      const shape = isRegion(g)
        ? Buffer.from(geometryToMask(g, img.widthPx, img.heightPx)!).toString('base64')
        : g.kind === 'point'
          ? `${g.x},${g.y}`
          : g.kind === 'polyline'
            ? g.points.join(',')
            : 'image';
      const group =
        a.groupId === null
          ? '-'
          : String(groups.get(a.groupId) ?? groups.set(a.groupId, groups.size + 1).size);
      const attrs = JSON.stringify(Object.entries(a.attributes).sort(([x], [y]) => (x < y ? -1 : 1)));
      out.push([img.path, labels.get(a.labelId), g.kind, a.iscrowd, attrs, group, shape].join('|'));
    }
  }
  return out.sort();
}

/** Exports `project` as `format`, imports the export into a copy with the same images, returns both signatures. */
async function reexport(
  project: Project,
  images: readonly ImageSpec[],
  format: ExportFormat,
  importFormat: ImportFormat,
  at: (out: string) => string,
): Promise<{ before: string[]; after: string[]; errors: string[]; out: string }> {
  const out = path.join(temp.make(), 'export');
  // The image files are not on disk here: the export notes them missing and writes the annotations.
  await exportDataset(projectExportSource(project), { format, outDir: out });
  const copy = projectWith(images);
  try {
    const r = await importInto(copy, importFormat, at(out));
    return { before: signature(project), after: signature(copy), errors: r.errors, out };
  } finally {
    copy.close();
  }
}

describe('COCO written by Datumaro', () => {
  const images = [{ path: 'b.jpg', w: 5, h: 10 }];

  it('keeps categories (ids, order, the unused one), attributes, the crowd RLE; re-export gives the same', async () => {
    const project = projectWith(images);
    try {
      const r = await importInto(
        project,
        'coco',
        path.join(THIRD, 'datumaro/coco_instances/annotations/instances_val.json'),
      );
      expect(r).toMatchObject({ imported: 2, errors: [], unmatched: [], warnings: [] });
      expect(project.labels.list().map((l) => [l.name, l.categoryId])).toEqual([
        ['a', 1],
        ['b', 2],
        ['c', 4],
      ]);
      const [poly, crowd] = annotationsOf(project, 'b.jpg');
      // A four-corner polygon equal to its bbox reads as a box (pycocotools' loadRes writes boxes that way too).
      expect(poly).toMatchObject({
        geometry: { kind: 'box', x: 0, y: 0, widthPx: 1, heightPx: 2 },
        attributes: { x: 1, y: 'hello' },
      });
      expect(project.labels.list()[0]!.attributes).toEqual([
        { kind: 'number', name: 'x', default: 0, min: null, max: null, step: null },
        { kind: 'text', name: 'y', default: '' },
      ]);
      // Uncompressed counts [0, 20, 30] on 10×5: the first two columns.
      expect(crowd!.iscrowd).toBe(true);
      expect(crowd!.geometry).toEqual({ kind: 'mask', rle: { size: [10, 5], counts: '0d0n0' } });
      const again = await reexport(project, images, 'coco', 'coco', (o) =>
        path.join(o, 'annotations/instances_train.json'),
      );
      expect(again.errors).toEqual([]);
      expect(again.after).toEqual(again.before);
      const written = JSON.parse(
        await fs.readFile(path.join(again.out, 'annotations/instances_train.json'), 'utf8'),
      ) as {
        categories: unknown[];
        annotations: { attributes: unknown; iscrowd: number; segmentation: unknown }[];
      };
      expect(written.categories).toEqual([
        { id: 1, name: 'a', supercategory: '' },
        { id: 2, name: 'b', supercategory: '' },
        { id: 4, name: 'c', supercategory: '' },
      ]);
      expect(written.annotations.map((a) => [a.iscrowd, a.attributes])).toEqual([
        [0, { occluded: false, x: 1, y: 'hello' }],
        [1, { occluded: false }],
      ]);
    } finally {
      project.close();
    }
  });

  it('imports keypoint annotations without their keypoints, with one message for the file', async () => {
    const project = projectWith(images);
    try {
      const r = await importInto(
        project,
        'coco',
        path.join(THIRD, 'datumaro/coco_person_keypoints/annotations/person_keypoints_val.json'),
      );
      expect(r.imported).toBe(2);
      expect(r.errors).toEqual([
        'person_keypoints_val.json: 2 annotation(s) carry keypoints ("a", "b"); RadioLabel does not import keypoints yet, so they were left out (the boxes and segmentations of those annotations were imported)',
      ]);
    } finally {
      project.close();
    }
  });
});

describe('Pascal VOC written by Datumaro', () => {
  const images = [{ path: 'JPEGImages/2007_000001.jpg', w: 20, h: 10 }];

  it('reads boxes with truncated/difficult, layout parts and actions, and RGB segmentation PNGs (Datumaro reading)', async () => {
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'voc', path.join(THIRD, 'datumaro/voc_dataset1'));
      expect(r.errors).toEqual([]);
      const labels = new Map(project.labels.list().map((l) => [l.id, l.name]));
      const anns = annotationsOf(project, 'JPEGImages/2007_000001.jpg').map((a) => ({
        ...a,
        label: labels.get(a.labelId),
      }));
      expect(anns.map((a) => [a.label, a.geometry.kind, a.groupId])).toEqual([
        ['cat', 'box', 1],
        // Instance 1 covers the whole image; its class comes from SegmentationClass (bicycle), as in Datumaro.
        ['bicycle', 'mask', 1],
        ['head', 'box', 2],
        ['person', 'box', 2],
      ]);
      expect(anns[0]).toMatchObject({
        geometry: { kind: 'box', x: 0, y: 1, widthPx: 3, heightPx: 3 },
        attributes: { truncated: true, difficult: false },
      });
      expect(anns[2]!.geometry).toEqual({ kind: 'box', x: 4.5, y: 5, widthPx: 3, heightPx: 3 });
      expect(anns[3]!.attributes).toMatchObject({
        jumping: false,
        phoning: true,
        walking: true,
        other: true,
      });
      const again = await reexport(project, images, 'voc', 'voc', (o) => o);
      expect(again.errors).toEqual([]);
      // Every shape comes back with its pixels and attributes. VOC needs a box per object, so the mask
      // (grouped here with a cat box of another class) comes back with a box of its own, and every
      // object carries truncated/difficult; only that is added.
      const parse = (line: string) => {
        const [file, label, kind, crowd, attrs, , shape] = line.split('|');
        return {
          key: [file, label, kind, crowd, shape].join('|'),
          attrs: Object.fromEntries(JSON.parse(attrs!) as [string, unknown][]),
        };
      };
      const after = again.after.map(parse);
      for (const b of again.before.map(parse)) {
        const match = after.find((x) => x.key === b.key);
        expect(match, b.key.slice(0, 60)).toBeDefined();
        expect(match!.attrs).toMatchObject(b.attrs);
      }
      expect(after).toHaveLength(again.before.length + 1);
    } finally {
      project.close();
    }
  });
});

describe('YOLO written by Datumaro and Label Studio', () => {
  it('Darknet obj.data + train.txt (strict layout): names in order, used or not', async () => {
    const images = [{ path: 'obj_train_data/1.jpg', w: 15, h: 10 }];
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'yolo', path.join(THIRD, 'datumaro/yolo_strict/obj.data'));
      expect(r).toMatchObject({ imported: 2, errors: [], unmatched: [] });
      expect(project.labels.list().map((l) => l.name)).toEqual(
        Array.from({ length: 10 }, (_, i) => `label_${i}`),
      );
      const boxes = annotationsOf(project, 'obj_train_data/1.jpg').map((a) => a.geometry);
      // Datumaro reads Bbox(0, 2, 4, 2, label 2) and Bbox(3, 3, 2, 3, label 4) from the same rows.
      expect(
        boxes.map((b) =>
          b.kind === 'box' ? [b.x, b.y, b.widthPx, b.heightPx].map((v) => Math.round(v * 1e4) / 1e4) : b.kind,
        ),
      ).toEqual([
        [0, 2, 4, 2],
        [3, 3, 2, 3],
      ]);
      const again = await reexport(project, images, 'yolo-detect', 'yolo', (o) => o);
      expect(again.errors).toEqual([]);
    } finally {
      project.close();
    }
  });

  it('a dataset folder named "labels" with a README.txt: only label files of its images are read', async () => {
    const images = [
      { path: 'images/train/1.jpg', w: 15, h: 10 },
      { path: 'images/val/1.jpg', w: 15, h: 10 },
    ];
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'yolo', path.join(THIRD, 'datumaro/yolo_labels'));
      expect(r).toMatchObject({ imported: 4, errors: [], unmatched: [], matchedImages: 2 });
    } finally {
      project.close();
    }
  });

  it("Roboflow's data.yaml (../train/images) finds its folders as Ultralytics does; a missing split is a note", async () => {
    const images = [
      { path: 'train/images/train_001.jpg', w: 15, h: 10 },
      { path: 'train/images/train_002.jpg', w: 15, h: 10 },
    ];
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'yolo', path.join(THIRD, 'datumaro/roboflow_yolo/data.yaml'));
      expect(r).toMatchObject({ errors: [], unmatched: [], matchedImages: 2 });
      expect(r.warnings).toEqual([
        'data.yaml: val: ../valid/images does not exist; label files are matched to project images by name',
      ]);
      expect(project.labels.list().map((l) => l.name)).toEqual(['label_0', 'label_1']);
    } finally {
      project.close();
    }
  });

  it("Label Studio converter's labels with classes.txt, no image files: matched by name", async () => {
    const sizes: [number, number][] = [
      [640, 658],
      [640, 427],
      [640, 427],
      [640, 427],
      [640, 427],
      [640, 427],
      [640, 427],
    ];
    const images = sizes.map(([w, h], i) => ({ path: `photos/img_${i + 1}.jpg`, w, h }));
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'yolo', path.join(THIRD, 'label-studio-converter/yolo'));
      expect(r).toMatchObject({ errors: [], unmatched: [], matchedImages: 7 });
      expect(project.labels.list().map((l) => l.name)).toEqual([
        'closed_door',
        'opened_door',
        'bus',
        'number',
      ]);
      const first = annotationsOf(project, 'photos/img_1.jpg')[0]!;
      // "2 0.49765625 0.46200607902735563 0.9640625 0.8693009118541033" on 640×658.
      expect(first.geometry.kind).toBe('box');
      if (first.geometry.kind === 'box') expect(first.geometry.widthPx).toBeCloseTo(0.9640625 * 640, 9);
    } finally {
      project.close();
    }
  });
});

describe('CVAT for images 1.1', () => {
  it('a CVAT task export (from Datumaro): label attributes declared from <meta>, typed values, unlabelled shapes reported', async () => {
    const images = [
      { path: 'images/img0.jpg', w: 8, h: 8 },
      { path: 'images/img1.jpg', w: 10, h: 10 },
    ];
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'cvat', path.join(THIRD, 'datumaro/cvat_export_task/train.xml'));
      expect(r.errors).toEqual([
        'train.xml: image "img0.jpg" (id 0): <polyline> #2: label: empty (a shape without a label is left out)',
        'train.xml: image "img1.jpg" (id 1): <polygon> #1: label: empty (a shape without a label is left out)',
      ]);
      expect(project.labels.list()[0]!.attributes).toEqual([
        { kind: 'boolean', name: 'a1', default: false },
        { kind: 'one_of', name: 'a2', options: ['v1', 'v2', 'v3'], default: 'v1' },
        { kind: 'text', name: 'a3', default: '0000' },
        { kind: 'number', name: 'a4', default: 0, min: 1, max: 2.4, step: null },
        // CVAT's own shape fields, declared when a file first sets them.
        { kind: 'boolean', name: 'occluded', default: false },
        { kind: 'number', name: 'z_order', default: 0, min: null, max: null, step: null },
      ]);
      const [box] = annotationsOf(project, 'images/img0.jpg');
      expect(box).toMatchObject({
        geometry: { kind: 'box', x: 0, y: 2, widthPx: 4, heightPx: 2 },
        attributes: { a1: true, a2: 'v3', a3: '0003', a4: 2.4, occluded: true, z_order: 1 },
      });
      const points = annotationsOf(project, 'images/img1.jpg');
      expect(points.map((p) => p.geometry)).toEqual([
        { kind: 'point', x: 1, y: 2 },
        { kind: 'point', x: 3, y: 4 },
        { kind: 'point', x: 5, y: 6 },
      ]);
      expect(new Set(points.map((p) => p.groupId)).size).toBe(1);
      const again = await reexport(project, images, 'cvat', 'cvat', (o) => o);
      expect(again.errors).toEqual([]);
      expect(again.after).toEqual(again.before);
    } finally {
      project.close();
    }
  });

  it('a CVAT project export: images per subset folder', async () => {
    const images = ['Test', 'Train', 'Validation'].flatMap((s) => [
      { path: `images/${s}/img0.jpg`, w: 8, h: 8 },
      { path: `images/${s}/img1.jpg`, w: 10, h: 10 },
    ]);
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'cvat', path.join(THIRD, 'datumaro/cvat_export_project'));
      expect(r).toMatchObject({ errors: [], unmatched: [], matchedImages: 6 });
      expect(annotationsOf(project, 'images/Validation/img0.jpg').map((a) => a.geometry.kind)).toEqual([
        'box',
        'polyline',
      ]);
    } finally {
      project.close();
    }
  });

  it('our CVAT file from the documented format: rotated box, mask RLE, polyline, tag, groups, unsupported cuboid', async () => {
    const images = [{ path: 'street.png', w: 10, h: 8 }];
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'cvat', path.join(FIX, 'cvat/annotations.xml'));
      expect(r.errors).toEqual([
        'annotations.xml: image "street.png" (id 0): 1 <cuboid> shape(s): not supported by RadioLabel yet; left out',
      ]);
      const [box, mask, line, tag, p1, p2] = annotationsOf(project, 'street.png');
      expect(box).toMatchObject({
        geometry: { kind: 'rotated_box', cx: 3, cy: 2, widthPx: 4, heightPx: 2, rotationDeg: 30 },
        attributes: { color: 'red', parked: true, doors: 2, occluded: true },
      });
      expect(mask!.groupId).toBe(box!.groupId);
      // rle "1, 2, 2, 3, 1" over the 3×3 crop at (2, 4), row by row: 011 / 001 / 110.
      const pixels = geometryToMask(mask!.geometry, 10, 8)!;
      const on: [number, number][] = [];
      pixels.forEach((v, i) => v && on.push([i % 10, Math.floor(i / 10)]));
      expect(on).toEqual([
        [3, 4],
        [4, 4],
        [4, 5],
        [2, 6],
        [3, 6],
      ]);
      expect(mask!.attributes).toEqual({ occluded: false, z_order: 1 });
      expect(line!.geometry).toEqual({ kind: 'polyline', points: [0, 7.5, 9.5, 6] });
      expect(tag).toMatchObject({ geometry: { kind: 'tag' }, attributes: { time: 'night' } });
      expect(p1!.groupId).toBe(p2!.groupId);
      expect(p1!.groupId).not.toBe(box!.groupId);
      const again = await reexport(project, images, 'cvat', 'cvat', (o) => o);
      expect(again.errors).toEqual([]);
      expect(again.after).toEqual(again.before);
    } finally {
      project.close();
    }
  });
});

describe('labelme files (ours, written from labelme’s documented format; labelme is GPL-3)', () => {
  const png = readFileSync(path.join(FIX, 'labelme/photo-0001.png'));
  const sha = createHash('sha256').update(png).digest('hex');
  const images = [
    { path: 'renamed/frame-a.png', w: 40, h: 30, sha256: sha },
    { path: 'frames/0002.png', w: 40, h: 30 },
  ];

  it('matches by embedded imageData and by file name, keeps groups, lines, points, flags, and clips to the image', async () => {
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'labelme', path.join(FIX, 'labelme/frames'));
      expect(r).toMatchObject({ errors: [], unmatched: [], matchedImages: 2 });
      expect(r.warnings).toEqual(['1 shape(s) reaching outside their image were clipped to it']);
      const labels = new Map(project.labels.list().map((l) => [l.id, l.name]));
      const a = annotationsOf(project, 'renamed/frame-a.png').map((x) => ({
        ...x,
        label: labels.get(x.labelId),
      }));
      expect(a.map((x) => [x.label, x.geometry.kind])).toEqual([
        ['outdoor', 'tag'],
        ['person', 'polygon'],
        ['person', 'box'],
        ['road edge', 'polyline'],
        ['lane', 'polyline'],
        ['nose', 'point'],
        ['keys', 'point'],
        ['keys', 'point'],
        ['keys', 'point'],
        ['ball', 'polygon'],
        ['plate', 'rotated_box'],
        ['sky', 'polygon'],
      ]);
      // group_id 1: the polygon and the box are one person; the three `points` are one object.
      expect(a[1]!.groupId).toBe(a[2]!.groupId);
      expect(a[6]!.groupId).toBe(a[8]!.groupId);
      expect(a[6]!.groupId).not.toBe(a[1]!.groupId);
      expect(a[2]!.attributes).toEqual({ truncated: true, description: 'left one' });
      expect(a[11]!.geometry).toEqual({ kind: 'polygon', rings: [[0, 0, 40, 0, 40, 4, 0, 4]] });
      const plate = a[10]!.geometry;
      expect(
        plate.kind === 'rotated_box' && [plate.widthPx ** 2, plate.heightPx ** 2].map(Math.round),
      ).toEqual([80, 20]);
      // The false flag is kept as a label, so an export can write it.
      expect([...labels.values()]).toContain('night');
      const again = await reexport(project, images, 'labelme', 'labelme', (o) => o);
      expect(again.errors).toEqual([]);
      expect(again.after).toEqual(again.before);
    } finally {
      project.close();
    }
  });

  it('refuses a folder without any labelme file', async () => {
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'labelme', path.join(FIX, 'labelme/not-labelme'));
      expect(r.imported).toBe(0);
      expect(r.errors).toEqual([
        expect.stringMatching(
          /not-labelme: no labelme JSON file found \(1 \.json file\(s\) looked at; a labelme file has "shapes" and "imagePath"\)$/,
        ),
      ]);
    } finally {
      project.close();
    }
  });
});

describe('labelme files written by labelme 5.0.1 (kept by labelme-rs)', () => {
  // The images are left out: the project holds images of the same names and sizes.
  const images = [
    { path: 'images/Mandrill.jpg', w: 256, h: 256 },
    { path: 'images/img1.jpg', w: 512, h: 512 },
    { path: 'windows/stem.jpg', w: 512, h: 512 },
  ];

  it('reads every shape type labelme wrote (polygon, linestrip, circle, rectangle, line, point), flags and a Windows imagePath; re-export gives the same', async () => {
    const project = projectWith(images);
    try {
      const r = await importInto(project, 'labelme', path.join(THIRD, 'labelme-rs'));
      expect(r).toMatchObject({ errors: [], unmatched: [], matchedImages: 3, imported: 15 + 5 + 1 });
      const labels = new Map(project.labels.list().map((l) => [l.id, l.name]));
      const named = (imagePath: string) =>
        annotationsOf(project, imagePath).map((a) => ({
          label: labels.get(a.labelId),
          geometry: a.geometry,
        }));

      const mandrill = named('images/Mandrill.jpg');
      expect(mandrill.map((a) => `${a.label} ${a.geometry.kind}`)).toEqual([
        'Eye polygon',
        'Eye polygon',
        ...Array<string>(6).fill('Groove polyline'),
        'Iris polygon',
        'Iris polygon',
        'Nose box',
        'EyeBrow polyline',
        'Nostril point',
        'Nostril point',
        'Glabella point',
      ]);
      // labelme's rectangle is its two corners; a line keeps its two points; points stay exact.
      expect(mandrill[10]!.geometry).toEqual({
        kind: 'box',
        x: 82.38213399503722,
        y: 169.57320099255583,
        widthPx: 160.04962779156327 - 82.38213399503722,
        heightPx: 223.66749379652606 - 169.57320099255583,
      });
      expect(mandrill[11]!.geometry).toEqual({
        kind: 'polyline',
        points: [63.52357320099255, 12.749379652605455, 193.54838709677418, 9.523573200992551],
      });
      expect(mandrill[14]!.geometry).toEqual({ kind: 'point', x: 124.81389578163771, y: 18.952853598014883 });
      expect((mandrill[2]!.geometry as { points: number[] }).points).toHaveLength(2 * 5);
      // A circle (centre, a point on it) becomes a polygon whose vertices all lie at its radius.
      const iris = mandrill[8]!.geometry;
      if (iris.kind !== 'polygon') throw new Error('the circle is not a polygon');
      const radius = Math.hypot(
        87.84119106699752 - 88.33746898263028,
        19.449131513647643 - 29.126550868486362,
      );
      const ring = iris.rings[0]!;
      for (let i = 0; i < ring.length; i += 2) {
        expect(Math.hypot(ring[i]! - 88.33746898263028, ring[i + 1]! - 29.126550868486362)).toBeCloseTo(
          radius,
          6,
        );
      }

      // Image flags: f1 (true) tags the image, f2 (false) is kept as a label only.
      expect(named('images/img1.jpg').map((a) => `${a.label} ${a.geometry.kind}`)).toEqual([
        'f1 tag',
        'TL point',
        'TR point',
        'BL point',
        'BR point',
      ]);
      expect([...labels.values()]).toContain('f2');
      // "parent\\stem.jpg" (written on Windows) is found by its file name.
      expect(named('windows/stem.jpg')).toEqual([{ label: 'TL', geometry: { kind: 'point', x: 0, y: 1 } }]);

      const again = await reexport(project, images, 'labelme', 'labelme', (o) => o);
      expect(again.errors).toEqual([]);
      expect(again.after).toEqual(again.before);
    } finally {
      project.close();
    }
  });
});
