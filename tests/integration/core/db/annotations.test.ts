import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type Geometry, asAnnotationId, asImageId, asLabelId, type ImageId, type LabelId } from '@contract';
import { RevisionConflictError } from '../../../../src-main/core/db/errors';
import { type Project } from '../../../../src-main/core/project';
import { encodeMask } from '../../../../src-main/core/segment/rle';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { projectWithImages } from './helpers/seed';

const temp = tempDirs('ann');
afterAll(() => temp.cleanup());

const box = (x: number): Geometry => ({ kind: 'box', x, y: 2, widthPx: 10, heightPx: 5 });

let project: Project;
let img: ImageId;
let other: ImageId;
let cat: LabelId;
let dog: LabelId;

beforeEach(() => {
  const seeded = projectWithImages(temp.make(), 2, { w: 8, h: 6 });
  project = seeded.project;
  [img, other] = seeded.ids as [ImageId, ImageId];
  cat = project.labels.create({ name: 'cat' }).id;
  dog = project.labels.create({ name: 'dog' }).id;
  return () => project.close();
});

describe('applyPatch', () => {
  it('treats an add whose client id the image already has as a re-send (no duplicate)', () => {
    const before = project.annotations.list(other);
    const add = {
      clientId: 'session-1:7',
      labelId: cat,
      geometry: box(2),
      score: null,
      source: 'manual' as const,
    };
    const first = project.annotations.applyPatch(other, { added: [add] }, before.revision);
    // The answer was lost: the client re-sends the same add on top of the revision it now knows.
    const again = project.annotations.applyPatch(other, { added: [add] }, first.revision);
    expect(again.added).toEqual(first.added);
    expect(project.annotations.list(other).items).toHaveLength(before.items.length + 1);
    // Another session's annotation with the same local number is a different annotation.
    const other2 = project.annotations.applyPatch(
      other,
      { added: [{ ...add, clientId: 'session-2:7' }] },
      again.revision,
    );
    expect(other2.added[0]!.id).not.toBe(first.added[0]!.id);
    expect(project.annotations.list(other).items).toHaveLength(before.items.length + 2);
  });

  it('adds, updates and removes in one revision and echoes client ids', () => {
    const r1 = project.annotations.applyPatch(
      img,
      {
        added: [
          { clientId: 'a', labelId: cat, geometry: box(1), score: 0.9, source: 'manual' },
          {
            clientId: 'b',
            labelId: dog,
            geometry: { kind: 'point', x: 3, y: 4 },
            score: null,
            source: 'click',
          },
        ],
      },
      0,
    );
    expect(r1.revision).toBe(1);
    expect(r1.added.map((a) => a.clientId)).toEqual(['a', 'b']);
    const [a, b] = r1.added.map((x) => x.id);
    const r2 = project.annotations.applyPatch(
      img,
      { updated: [{ id: a!, labelId: dog, geometry: box(7), score: null }], removed: [b!] },
      1,
    );
    expect(r2.revision).toBe(2);
    const listed = project.annotations.list(img);
    expect(listed.revision).toBe(2);
    expect(listed.items).toEqual([
      {
        id: a,
        imageId: img,
        labelId: dog,
        geometry: box(7),
        score: null,
        source: 'manual',
        iscrowd: false,
        attributes: {},
        groupId: null,
      },
    ]);
    expect(project.annotations.list(other)).toEqual({ revision: 0, items: [] });
  });

  it('rejects a stale base revision as a typed conflict and applies nothing', () => {
    project.annotations.applyPatch(
      img,
      { added: [{ clientId: 'a', labelId: cat, geometry: box(1), score: null, source: 'manual' }] },
      0,
    );
    let thrown: unknown;
    try {
      project.annotations.applyPatch(
        img,
        { added: [{ clientId: 'b', labelId: cat, geometry: box(2), score: null, source: 'manual' }] },
        0,
      );
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RevisionConflictError);
    expect(thrown).toMatchObject({ code: 'conflict', currentRevision: 1, baseRevision: 0 });
    expect(project.annotations.list(img).items).toHaveLength(1);
  });

  it('rolls back the whole patch when one part is invalid', () => {
    const before = project.annotations.list(img);
    const bad = () =>
      project.annotations.applyPatch(
        img,
        {
          added: [
            { clientId: 'ok', labelId: cat, geometry: box(1), score: null, source: 'manual' },
            {
              clientId: 'bad',
              labelId: cat,
              geometry: { kind: 'box', x: Number.NaN, y: 0, widthPx: 1, heightPx: 1 },
              score: null,
              source: 'manual',
            },
          ],
        },
        0,
      );
    expect(bad).toThrow(/added\[1\]\.geometry\.x/);
    expect(project.annotations.list(img)).toEqual(before);
  });

  it('validates geometry, labels, scores and ownership with field names', () => {
    const add =
      (geometry: unknown, extra: Partial<{ labelId: LabelId; score: number }> = {}) =>
      () =>
        project.annotations.applyPatch(
          img,
          {
            added: [
              {
                clientId: 'x',
                labelId: extra.labelId ?? cat,
                geometry: geometry as Geometry,
                score: extra.score ?? null,
                source: 'manual',
              },
            ],
          },
          0,
        );
    expect(add({ kind: 'polygon', rings: [[0, 0, 1, 1]] })).toThrow(
      /added\[0\]\.geometry\.rings\.0: a ring needs at least 3 points/,
    );
    expect(add({ kind: 'point', x: 1e9, y: 0 })).toThrow(/added\[0\]\.geometry\.x/);
    expect(add({ kind: 'circle', r: 3 })).toThrow(/added\[0\]\.geometry/);
    expect(add(box(1), { labelId: asLabelId(999) })).toThrow(/added\[0\]\.labelId: label 999 does not exist/);
    expect(add(box(1), { score: 1.5 })).toThrow(
      /added\[0\]\.score: a score is null or a number in \[0, 1\], got 1.5/,
    );
    const foreign = project.annotations.applyPatch(
      other,
      { added: [{ clientId: 'f', labelId: cat, geometry: box(1), score: null, source: 'manual' }] },
      0,
    );
    const foreignId = foreign.added[0]!.id;
    expect(() => project.annotations.applyPatch(img, { removed: [foreignId] }, 0)).toThrow(
      new RegExp(`removed\\[0\\]: annotation ${foreignId} does not exist on image ${img}`),
    );
    expect(() =>
      project.annotations.applyPatch(img, { updated: [{ id: asAnnotationId(424242), score: 0.5 }] }, 0),
    ).toThrow(/updated\[0\]: annotation 424242 does not exist/);
    expect(() => project.annotations.applyPatch(asImageId(999), {}, 0)).toThrow(/image 999 does not exist/);
    expect(project.annotations.list(img).revision).toBe(0);
  });

  it('stores masks as COCO RLE that must cover exactly the image', () => {
    const mask = new Uint8Array(8 * 6);
    mask.fill(1, 10, 30);
    mask[20] = 0; // a hole
    const rle = encodeMask(mask, 8, 6);
    const r = project.annotations.applyPatch(
      img,
      {
        added: [{ clientId: 'm', labelId: cat, geometry: { kind: 'mask', rle }, score: 0.5, source: 'text' }],
      },
      0,
    );
    expect(project.annotations.list(img).items[0]?.geometry).toEqual({ kind: 'mask', rle });
    expect(r.revision).toBe(1);
    const wrongSize = encodeMask(new Uint8Array(4 * 4), 4, 4);
    expect(() =>
      project.annotations.applyPatch(
        img,
        {
          added: [
            {
              clientId: 'w',
              labelId: cat,
              geometry: { kind: 'mask', rle: wrongSize },
              score: null,
              source: 'text',
            },
          ],
        },
        1,
      ),
    ).toThrow(/added\[0\]\.geometry\.rle\.size: mask is 4×4 \(size \[4, 4\]\) but the image is 8×6/);
    const shortCounts = {
      size: [6, 8] as [number, number],
      counts: encodeMask(new Uint8Array(4 * 4), 4, 4).counts,
    };
    expect(() =>
      project.annotations.applyPatch(
        img,
        {
          added: [
            {
              clientId: 's',
              labelId: cat,
              geometry: { kind: 'mask', rle: shortCounts },
              score: null,
              source: 'text',
            },
          ],
        },
        1,
      ),
    ).toThrow(/added\[0\]\.geometry\.rle\.counts: RLE counts sum to 16, expected height×width = 6×8 = 48/);
  });

  it('keeps multi-ring polygons (holes) exactly', () => {
    const poly: Geometry = {
      kind: 'polygon',
      rings: [
        [0, 0, 8, 0, 8, 6, 0, 6],
        [2, 2, 4, 2, 4, 4, 2.5, 3.75],
      ],
    };
    project.annotations.applyPatch(
      img,
      { added: [{ clientId: 'p', labelId: dog, geometry: poly, score: null, source: 'imported' }] },
      0,
    );
    expect(project.annotations.list(img).items[0]?.geometry).toEqual(poly);
  });

  it('an empty patch keeps the revision', () => {
    expect(project.annotations.applyPatch(img, {}, 0)).toEqual({ revision: 0, added: [] });
  });

  it('image status moves through new / in_progress / done / review', () => {
    expect(project.images.row(img).status).toBe('new');
    for (const s of ['in_progress', 'done', 'review'] as const) {
      project.images.setStatus(img, s);
      expect(project.images.row(img).status).toBe(s);
    }
    expect(() => project.images.setStatus(asImageId(77), 'done')).toThrow(/image 77 does not exist/);
  });
});
