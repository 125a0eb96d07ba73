import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAnnotations } from '../../../../src-main/core/formats/import-annotations';
import { MemoryProject, tempDir } from './memory-project';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function project(): MemoryProject {
  const p = new MemoryProject(path.join(dir, 'project'));
  p.addImage('photos/a.jpg', 20, 10);
  p.addImage('photos/b.jpg', 20, 10);
  return p;
}

async function write(name: string, content: string): Promise<string> {
  const f = path.join(dir, name);
  await fs.mkdir(path.dirname(f), { recursive: true });
  await fs.writeFile(f, content);
  return f;
}

const cocoDoc = (annotations: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    images: [
      { id: 1, file_name: 'a.jpg', width: 20, height: 10 },
      { id: 2, file_name: 'missing.jpg', width: 20, height: 10 },
    ],
    categories: [{ id: 1, name: 'cat' }],
    annotations,
    ...extra,
  });

describe('COCO import of hostile input', () => {
  it('reports malformed JSON with the file name and imports nothing', async () => {
    const f = await write('bad.json', '{"images": [');
    const r = await importAnnotations(project(), { format: 'coco', path: f });
    expect(r.imported).toBe(0);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^bad\.json: invalid JSON: /);
  });

  it('reports wrong top-level types', async () => {
    const f = await write('types.json', JSON.stringify({ images: {}, categories: [] }));
    const r = await importAnnotations(project(), { format: 'coco', path: f });
    expect(r.errors).toEqual(['types.json: "images" must be a list']);
  });

  it('reports bad images and categories by index', async () => {
    const f = await write(
      'entries.json',
      JSON.stringify({
        images: [
          { id: 1, file_name: 'a.jpg', width: '20', height: 10 },
          { id: 2 },
          { id: 3, file_name: 'b.jpg', width: 20, height: 10 },
          { id: 3, file_name: 'c.jpg', width: 20, height: 10 },
        ],
        categories: [
          { id: 'x', name: 'cat' },
          { id: 2, name: '' },
          { id: 3, name: 'dog' },
        ],
        annotations: [{ id: 1, image_id: 3, category_id: 3, bbox: [1, 1, 2, 2], iscrowd: 0 }],
      }),
    );
    const r = await importAnnotations(project(), { format: 'coco', path: f });
    expect(r.errors).toEqual([
      'entries.json: categories[0]: id: must be a non-negative integer, got "x"',
      'entries.json: categories[1]: name: must be a non-empty string',
      'entries.json: images[0] (a.jpg): width, height: must be positive integers',
      'entries.json: images[1]: needs an integer "id" and a string "file_name"',
      'entries.json: images[3]: id: 3 repeats an earlier image; this one is left out',
    ]);
    expect(r.imported).toBe(1);
    const arr = await write('array.json', '[1, 2]');
    expect((await importAnnotations(project(), { format: 'coco', path: arr })).errors).toEqual([
      'array.json: expected a JSON object with images, annotations and categories',
    ]);
  });

  it('streams files with no size limit; annotations may come before the images and categories', async () => {
    // Members in any order: COCO's own files put categories last.
    const doc = JSON.parse(
      cocoDoc([{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], iscrowd: 0 }]),
    ) as Record<string, unknown>;
    const reordered = {
      annotations: doc.annotations,
      info: {},
      categories: doc.categories,
      images: doc.images,
    };
    const f = await write('huge.json', JSON.stringify(reordered) + ' '.repeat(4096));
    const r = await importAnnotations(project(), { format: 'coco', path: f, maxFileBytes: 1024 });
    expect(r).toMatchObject({ imported: 1, errors: [] });
  });

  it('reads tolerant iscrowd values, and refuses keypoints with one message per file', async () => {
    const base = { image_id: 1, category_id: 1, segmentation: { size: [10, 20], counts: [150, 50] } };
    const f = await write(
      'crowds.json',
      cocoDoc([
        { ...base, id: 1, iscrowd: 'false', bbox: [1, 1, 2, 2], segmentation: [] },
        { ...base, id: 2, iscrowd: 'true' },
        { ...base, id: 3, iscrowd: 0, segmentation: [], bbox: [2, 2, 2, 2], keypoints: [3, 3, 2, 0, 0, 0] },
        { ...base, id: 4, iscrowd: 1, segmentation: [], bbox: [3, 3, 2, 2], keypoints: [4, 4, 1] },
      ]),
    );
    const p = project();
    const r = await importAnnotations(p, { format: 'coco', path: f });
    expect(r.errors).toEqual([
      'crowds.json: 2 annotation(s) carry keypoints ("cat"); RadioLabel does not import keypoints yet, so they were left out (the boxes and segmentations of those annotations were imported)',
    ]);
    expect(p.annotations.get(1)!.map((a) => a.iscrowd)).toEqual([false, true, false, true]);
  });

  it('reports each bad annotation by index and still imports the good ones', async () => {
    const good = {
      id: 1,
      image_id: 1,
      category_id: 1,
      segmentation: [[1, 1, 5, 1, 5, 5]],
      bbox: [1, 1, 4, 4],
      iscrowd: 0,
    };
    const f = await write(
      'mixed.json',
      cocoDoc([
        good,
        { ...good, id: 2, segmentation: { size: [10, 20], counts: [5, 3] } },
        { ...good, id: 3, segmentation: { size: [10, 20], counts: 'R14<MF0:0F0' } },
        { ...good, id: 4, segmentation: [[1, 2, 3, 4]] },
        { ...good, id: 5, segmentation: [[1, 1, 'x', 1, 5, 5]] },
        { ...good, id: 6, category_id: 9 },
        { ...good, id: 7, image_id: 99 },
        { ...good, id: 8, segmentation: [[1, 1, 50, 1, 5, 5]] },
        { ...good, id: 9, iscrowd: 'maybe' },
        { ...good, id: 10, segmentation: { size: [5, 5], counts: [25] } },
        { ...good, id: 11, segmentation: [], bbox: [1, 1, -3, 2] },
        { ...good, id: 12, image_id: 2 },
        'not an object',
        { ...good, id: 13, segmentation: { size: [10, 20], counts: [150, 50] }, iscrowd: 1 },
      ]),
    );
    const p = project();
    const r = await importAnnotations(p, { format: 'coco', path: f });
    expect(r.errors).toEqual([
      'mixed.json: annotations[1] (id 2): segmentation.counts: RLE counts sum to 8, expected height×width = 10×20 = 200',
      'mixed.json: annotations[2] (id 3): segmentation.counts: RLE counts sum to 70, expected height×width = 10×20 = 200',
      'mixed.json: annotations[3] (id 4): segmentation[0]: has 4 numbers, a polygon needs at least 6',
      'mixed.json: annotations[4] (id 5): segmentation[0]: holds a value that is not a finite number',
      'mixed.json: annotations[5] (id 6): category_id: 9 is not a category of this file',
      'mixed.json: annotations[6] (id 7): image_id: 99 is not an image of this file',
      'mixed.json: annotations[8] (id 9): iscrowd: must be 0 or 1 (or true/false), got "maybe"',
      "mixed.json: annotations[9] (id 10): segmentation.size: [5,5] does not match the image's [height,width] [10,20]",
      'mixed.json: annotations[10] (id 11): bbox: has a negative size (-3×2)',
      'mixed.json: annotations[12]: not an object',
    ]);
    expect(r.unmatched).toEqual(['missing.jpg: no project image with this path, name or content']);
    expect(r.matchedImages).toBe(1);
    expect(r.imported).toBe(3);
    // The triangle reaching past the right edge is clipped to the image, not refused or clamped.
    expect(r.warnings).toEqual(['1 shape(s) reaching outside their image were clipped to it']);
    const anns = p.annotations.get(1)!;
    expect(anns.map((a) => a.geometry.kind)).toEqual(['polygon', 'polygon', 'mask']);
    expect(anns[1]!.geometry).toEqual({
      kind: 'polygon',
      rings: [[1, 1, 20, 1, 20, 3.6666666666666665, 5, 5]],
    });
    expect(anns[2]!.iscrowd).toBe(true);
  });
});

describe('image size checks', () => {
  it('skips annotations whose file declares another image size', async () => {
    const f = await write(
      'resized.json',
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg', width: 40, height: 20 }],
        categories: [{ id: 1, name: 'cat' }],
        annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], iscrowd: 0 }],
      }),
    );
    const r = await importAnnotations(project(), { format: 'coco', path: f });
    expect(r.errors).toEqual([
      'a.jpg: the file says the image is 40×20, the project image is 20×10; its 1 annotation(s) were skipped',
    ]);
    expect(r.imported).toBe(0);
    expect(r.matchedImages).toBe(1);
  });
});

describe('YOLO import of hostile input', () => {
  it('names file and line, and keeps the good rows', async () => {
    const root = path.join(dir, 'yolo');
    await write(
      'yolo/data.yaml',
      'path: .\ntrain: images/train\nval: images/val\nnames:\n  0: cat\n  1: dog\n',
    );
    await write(
      'yolo/labels/train/a.txt',
      [
        '0 0.5 0.5 0.2 0.2',
        '',
        '0 0.5 0.5 0.2',
        '1 0.1 0.1 0.9 0.1 0.5 NaN',
        '5 0.5 0.5 0.2 0.2',
        '1 0.1 0.1 0.9 0.1 0.5 0.9',
      ].join('\n'),
    );
    await write('yolo/labels/train/zzz.txt', '0 0.5 0.5 0.2 0.2\n');
    const p = project();
    const r = await importAnnotations(p, { format: 'yolo', path: root });
    expect(r.errors).toEqual([
      'labels/train/a.txt:3: 4 columns, expected 5 or ≥7',
      'labels/train/a.txt:4: column 7 "NaN" is not a finite number',
      'labels/train/a.txt:5: class 5 is not below nc=2',
    ]);
    expect(r.imported).toBe(2);
    expect(r.unmatched).toEqual(['labels/train/zzz.txt: no project image with this path, name or content']);
    expect(p.annotations.get(1)!.map((a) => a.geometry)).toEqual([
      { kind: 'box', x: 8, y: 4, widthPx: 4, heightPx: 2 },
      { kind: 'polygon', rings: [[2, 1, 18, 1, 10, 9]] },
    ]);
    expect(p.labelList.map((l) => l.name)).toEqual(['cat', 'dog']);
  });

  it('reads Roboflow-style layouts (train/images + train/labels) and pairs labels with their images', async () => {
    await write('rf/data.yaml', "train: ../train/images\nval: ../valid/images\nnc: 1\nnames: ['cat']\n");
    await write('rf/train/images/a.jpg', 'not really a jpeg');
    await write('rf/train/labels/a.txt', '0 0.5 0.5 0.5 0.5\n');
    await write('rf/valid/images/b.jpg', 'not really a jpeg either');
    await write('rf/valid/labels/b.txt', '0 0.25 0.25 0.5 0.5\n');
    const p = project();
    const r = await importAnnotations(p, { format: 'yolo', path: path.join(dir, 'rf/data.yaml') });
    expect(r).toMatchObject({ imported: 2, matchedImages: 2, unmatched: [], errors: [] });
    expect(p.annotations.get(2)![0]!.geometry).toEqual({ kind: 'box', x: 0, y: 0, widthPx: 10, heightPx: 5 });
  });

  it('reports a broken data.yaml and falls back to class_<n> names', async () => {
    await write('yolo2/data.yaml', 'names: {0: a, 3: b}\n');
    await write('yolo2/labels/b.txt', '1 0.5 0.5 0.2 0.2\n');
    const p = project();
    const r = await importAnnotations(p, { format: 'yolo', path: path.join(dir, 'yolo2') });
    expect(r.errors).toEqual(['data.yaml: names: keys must be 0..1, found "3"']);
    expect(r.imported).toBe(1);
    expect(p.labelList.map((l) => l.name)).toEqual(['class_1']);
  });
});

describe('labelme import of hostile input', () => {
  it('reports bad shapes by index, bad files by name, and reads old files without shape_type', async () => {
    const base = {
      version: '3.16.7',
      flags: {},
      imagePath: '..\\photos\\a.jpg',
      imageData: null,
      imageHeight: 10,
      imageWidth: 20,
    };
    await write(
      'lm/a.json',
      JSON.stringify({
        ...base,
        shapes: [
          {
            label: 'old',
            points: [
              [1, 1],
              [5, 1],
              [5, 5],
            ],
            line_color: null,
            fill_color: null,
          },
          {
            label: 'r',
            points: [
              [6, 6],
              [2, 3],
            ],
            shape_type: 'rectangle',
          },
          {
            label: 'c',
            points: [
              [10, 5],
              [12, 5],
            ],
            shape_type: 'circle',
          },
          {
            label: 'pts',
            points: [
              [1, 1],
              [2, 2],
            ],
            shape_type: 'points',
          },
          { label: 'bad', points: [[1, 'x']], shape_type: 'point' },
          {
            label: 'line',
            points: [
              [1, 1],
              [2, 2],
            ],
            shape_type: 'line',
          },
          { label: '', points: [[1, 1]], shape_type: 'point' },
          {
            label: 'm',
            points: [
              [1, 1],
              [2, 2],
            ],
            shape_type: 'mask',
            mask: 'bm90IGEgcG5n',
          },
          {
            label: 'tri',
            points: [
              [1, 1],
              [2, 2],
            ],
            shape_type: 'polygon',
          },
          { label: 'weird', points: [[1, 1]], shape_type: 'hexagon' },
          { label: 'far', points: [[100, 1]], shape_type: 'point' },
        ],
      }),
    );
    await write('lm/broken.json', '{"shapes": [}');
    await write('lm/float.json', JSON.stringify({ ...base, imageHeight: 10.5, shapes: [] }));
    const p = project();
    const r = await importAnnotations(p, { format: 'labelme', path: path.join(dir, 'lm') });
    expect(r.errors).toEqual([
      'a.json: shapes[4]: points[0] must be [x, y] with finite numbers',
      'a.json: shapes[6]: label: must be a non-empty string',
      expect.stringMatching(/^a\.json: shapes\[7\]: "mask" is not a readable PNG: /),
      'a.json: shapes[8]: points: shape_type "polygon" needs at least 3 point(s), got 2',
      'a.json: shapes[9]: shape_type: unknown shape type "hexagon"',
      'a.json: shapes[10]: point (100, 1) lies outside the 20×10 image',
      expect.stringMatching(/^broken\.json: invalid JSON: /),
      'float.json: imageWidth, imageHeight: must be positive integers',
    ]);
    const anns = p.annotations.get(1)!;
    expect(anns.map((a) => a.geometry.kind)).toEqual([
      'polygon',
      'box',
      'polygon',
      'point',
      'point',
      'polyline',
    ]);
    // The two points of one `points` shape are one object; the line is a polyline now.
    expect(anns[3]!.groupId).not.toBeNull();
    expect(anns[3]!.groupId).toBe(anns[4]!.groupId);
    expect(anns[5]!.geometry).toEqual({ kind: 'polyline', points: [1, 1, 2, 2] });
    expect(p.annotations.get(1)![1]!.geometry).toEqual({ kind: 'box', x: 2, y: 3, widthPx: 4, heightPx: 3 });
  });
});

describe('files written with a UTF-8 byte-order mark (Windows tools)', () => {
  const BOM = '\uFEFF';

  it('imports COCO, YOLO (data.yaml and label rows) and labelme files that start with one', async () => {
    const coco = await write(
      'bom/coco.json',
      BOM + cocoDoc([{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4] }]),
    );
    const c = project();
    expect(await importAnnotations(c, { format: 'coco', path: coco })).toMatchObject({
      errors: [],
      imported: 1,
    });

    await write('bom/yolo/data.yaml', `${BOM}names:\n  0: cat\n`);
    await write('bom/yolo/labels/a.txt', `${BOM}0 0.5 0.5 0.2 0.2\n`);
    const y = project();
    const r = await importAnnotations(y, { format: 'yolo', path: path.join(dir, 'bom/yolo') });
    expect(r).toMatchObject({ errors: [], imported: 1 });
    expect(y.labelList.map((l) => l.name)).toEqual(['cat']);

    await write(
      'bom/lm/a.json',
      BOM +
        JSON.stringify({
          version: '5.0.1',
          imagePath: 'a.jpg',
          imageHeight: 10,
          imageWidth: 20,
          shapes: [
            {
              label: 'cat',
              points: [
                [1, 1],
                [5, 5],
              ],
              shape_type: 'rectangle',
            },
          ],
        }),
    );
    const l = project();
    expect(await importAnnotations(l, { format: 'labelme', path: path.join(dir, 'bom/lm') })).toMatchObject({
      errors: [],
      imported: 1,
    });
    expect(l.annotations.get(1)![0]!.geometry).toEqual({ kind: 'box', x: 1, y: 1, widthPx: 4, heightPx: 4 });
  });
});
