import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type AttributeSpec, type ImageId, type LabelId } from '@contract';
import { ConflictError, InvalidInputError } from '../../../../src-main/core/db/errors';
import { type Project } from '../../../../src-main/core/project';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { projectWithImages } from './helpers/seed';

const temp = tempDirs('model');
afterAll(() => temp.cleanup());

const COLOR: AttributeSpec = { kind: 'one_of', name: 'color', options: ['red', 'green'], default: 'green' };
const SPEED: AttributeSpec = { kind: 'number', name: 'speed', default: 0, min: 0, max: 100, step: null };

let project: Project;
let img: ImageId;
let other: ImageId;
let car: LabelId;

beforeEach(() => {
  const seeded = projectWithImages(temp.make(), 2, { w: 40, h: 30 });
  project = seeded.project;
  [img, other] = seeded.ids as [ImageId, ImageId];
  car = project.labels.create({
    name: 'car',
    categoryId: 3,
    supercategory: 'vehicle',
    attributes: [COLOR, SPEED],
  }).id;
  return () => project.close();
});

describe('the annotation model carries what the formats carry', () => {
  it('stores iscrowd, typed attributes, groups, polylines, rotated boxes and image tags', () => {
    const r = project.annotations.applyPatch(
      img,
      {
        added: [
          {
            clientId: 'a',
            labelId: car,
            geometry: { kind: 'rotated_box', cx: 20, cy: 15, widthPx: 10, heightPx: 4, rotationDeg: 45 },
            score: null,
            source: 'manual',
            attributes: { color: 'red', speed: 12.5, note: 'kept though undeclared' },
            groupId: 3,
          },
          {
            clientId: 'b',
            labelId: car,
            geometry: { kind: 'polyline', points: [1, 1, 5, 5, 9, 1] },
            score: null,
            source: 'manual',
            groupId: 3,
          },
          {
            clientId: 'c',
            labelId: car,
            geometry: { kind: 'tag' },
            score: null,
            source: 'manual',
            iscrowd: false,
          },
          {
            clientId: 'd',
            labelId: car,
            geometry: { kind: 'box', x: 1, y: 1, widthPx: 5, heightPx: 5 },
            score: null,
            source: 'manual',
            iscrowd: true,
          },
        ],
      },
      0,
    );
    const items = project.annotations.list(img).items;
    expect(items.map((a) => [a.geometry.kind, a.iscrowd, a.groupId, a.attributes])).toEqual([
      ['rotated_box', false, 3, { color: 'red', speed: 12.5, note: 'kept though undeclared' }],
      ['polyline', false, 3, {}],
      ['tag', false, null, {}],
      ['box', true, null, {}],
    ]);
    expect(project.annotations.maxGroupId(img)).toBe(3);
    project.annotations.applyPatch(
      img,
      { updated: [{ id: r.added[0]!.id, attributes: { color: 'green' }, groupId: null, iscrowd: true }] },
      1,
    );
    expect(project.annotations.list(img).items[0]).toMatchObject({
      attributes: { color: 'green' },
      groupId: null,
      iscrowd: true,
    });
    expect(project.labels.get(car)).toMatchObject({
      categoryId: 3,
      supercategory: 'vehicle',
      attributes: [COLOR, SPEED],
    });
  });

  it('refuses a value of the wrong type for a declared attribute, naming the field, and applies nothing', () => {
    const add = (attributes: Record<string, string | number | boolean>) => () =>
      project.annotations.applyPatch(
        img,
        {
          added: [
            {
              clientId: 'x',
              labelId: car,
              geometry: { kind: 'tag' },
              score: null,
              source: 'manual',
              attributes,
            },
          ],
        },
        0,
      );
    expect(add({ color: 'blue' })).toThrow(InvalidInputError);
    expect(add({ color: 'blue' })).toThrow(
      'added[0].attributes.color: "color" is one of "red", "green", got "blue"',
    );
    expect(add({ speed: 101 })).toThrow('added[0].attributes.speed: "speed" is at most 100, got 101');
    expect(add({ speed: '7' })).toThrow('"speed" is a number, got "7"');
    expect(project.annotations.list(img).items).toEqual([]);
  });

  it('imports in batches: skips what the image already has, bumps each image revision once', () => {
    const box = { kind: 'box' as const, x: 1, y: 2, widthPx: 3, heightPx: 4 };
    const one = { labelId: car, geometry: box, score: null, iscrowd: false, attributes: {}, groupId: null };
    const first = project.annotations.importBatch([
      { ...one, imageId: img },
      { ...one, imageId: img, geometry: { ...box, x: 2 } },
      { ...one, imageId: other },
    ]);
    expect(first).toEqual({ added: 3, duplicates: 0 });
    expect(project.annotations.list(img).revision).toBe(1);
    expect(project.annotations.list(other).revision).toBe(1);
    const again = project.annotations.importBatch([
      { ...one, imageId: img },
      { ...one, imageId: img },
    ]);
    expect(again).toEqual({ added: 0, duplicates: 2 });
    expect(project.annotations.list(img).items.every((a) => a.source === 'imported')).toBe(true);
    expect(() =>
      project.annotations.importBatch(
        [{ ...one, imageId: img, geometry: { ...box, x: 9 }, attributes: { color: 7 } }],
        (i) => `file.json: annotations[${i}]`,
      ),
    ).toThrow('file.json: annotations[0].attributes.color: "color" is one of "red", "green", got 7');
  });

  it('skips a shape repeated within one batch on an image without annotations, per label and kind', () => {
    const bus = project.labels.create({ name: 'bus' }).id;
    const box = { kind: 'box' as const, x: 1, y: 2, widthPx: 3, heightPx: 4 };
    const one = { labelId: car, geometry: box, score: null, iscrowd: false, attributes: {}, groupId: null };
    const ring = [1, 2, 4, 2, 4, 6, 1, 6];
    const r = project.annotations.importBatch([
      { ...one, imageId: img },
      { ...one, imageId: img },
      { ...one, imageId: img, labelId: bus },
      { ...one, imageId: img, geometry: { kind: 'polygon', rings: [ring] } },
      { ...one, imageId: img, geometry: { kind: 'polygon', rings: [ring] } },
      { ...one, imageId: other },
    ]);
    expect(r).toEqual({ added: 4, duplicates: 2 });
    expect(project.annotations.list(img).items.map((a) => [a.labelId, a.geometry.kind])).toEqual([
      [car, 'box'],
      [bus, 'box'],
      [car, 'polygon'],
    ]);
    // The image has annotations now: the next batch is checked against the store.
    expect(project.annotations.importBatch([{ ...one, imageId: img, labelId: bus }])).toEqual({
      added: 0,
      duplicates: 1,
    });
  });

  it('keeps category ids unique, merges declared attributes, and checks one-of defaults', () => {
    expect(() => project.labels.create({ name: 'bus', categoryId: 3 })).toThrow(ConflictError);
    const bus = project.labels.create({ name: 'bus', categoryId: 0 });
    expect(bus.categoryId).toBe(0);
    const merged = project.labels.declareAttributes(car, [
      { kind: 'text', name: 'color', default: '' },
      { kind: 'boolean', name: 'parked', default: false },
    ]);
    // An existing attribute keeps its declaration; a new one is added.
    expect(merged).toEqual([COLOR, SPEED, { kind: 'boolean', name: 'parked', default: false }]);
    expect(() =>
      project.labels.update(car, {
        attributes: [{ kind: 'one_of', name: 'x', options: ['a'], default: 'b' }],
      }),
    ).toThrow('attributes.0.default: "b" is not one of the options of "x"');
  });
});
