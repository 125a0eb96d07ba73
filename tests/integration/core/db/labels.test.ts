import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type ImageId } from '@contract';
import { ConflictError } from '../../../../src-main/core/db/errors';
import { LABEL_PALETTE } from '../../../../src-main/core/db/labels-repo';
import { type Project } from '../../../../src-main/core/project';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { projectWithImages } from './helpers/seed';

const temp = tempDirs('labels');
afterAll(() => temp.cleanup());

let project: Project;
let img: ImageId;
beforeEach(() => {
  const seeded = projectWithImages(temp.make(), 1);
  project = seeded.project;
  img = seeded.ids[0]!;
  return () => project.close();
});

describe('labels', () => {
  it('creates with palette colours, hotkeys and order; updates and reorders', () => {
    const a = project.labels.create({ name: ' cat ', hotkey: '1' });
    const b = project.labels.create({ name: 'dog', color: '#00FF00' });
    expect(a).toMatchObject({
      name: 'cat',
      color: LABEL_PALETTE[0],
      hotkey: '1',
      sort: 0,
      annotationCount: 0,
    });
    expect(b).toMatchObject({ name: 'dog', color: '#00ff00', hotkey: null, sort: 1 });
    expect(project.labels.update(b.id, { name: 'Dog', hotkey: '2', color: '#123456' })).toMatchObject({
      name: 'Dog',
      hotkey: '2',
      color: '#123456',
    });
    expect(project.labels.reorder([b.id, a.id]).map((l) => [l.name, l.sort])).toEqual([
      ['Dog', 0],
      ['cat', 1],
    ]);
  });

  it('rejects duplicates, taken hotkeys and bad values with clear messages', () => {
    project.labels.create({ name: 'cat', hotkey: 'c' });
    expect(() => project.labels.create({ name: 'CAT' })).toThrow(ConflictError);
    expect(() => project.labels.create({ name: 'CAT' })).toThrow('a label named "CAT" already exists');
    expect(() => project.labels.create({ name: 'cow', hotkey: 'c' })).toThrow(
      'hotkey "c" is already used by label "cat"',
    );
    expect(() => project.labels.create({ name: 'cow', color: 'red' })).toThrow(
      'color: colours are #rrggbb, got "red"',
    );
    expect(() => project.labels.create({ name: '   ' })).toThrow('name: a label name cannot be empty');
    expect(() => project.labels.create({ name: 'cow', hotkey: 'F1' })).toThrow(
      /hotkey: a hotkey is one digit or lowercase letter/,
    );
    expect(project.labels.list()).toHaveLength(1);
  });

  it('deleting a used label needs an explicit choice: reassign or delete annotations', () => {
    const cat = project.labels.create({ name: 'cat' });
    const dog = project.labels.create({ name: 'dog' });
    const add = (rev: number) =>
      project.annotations.applyPatch(
        img,
        {
          added: [
            {
              clientId: `x${rev}`,
              labelId: cat.id,
              geometry: { kind: 'point', x: 1, y: 1 },
              score: null,
              source: 'manual',
            },
          ],
        },
        rev,
      );
    add(0);
    add(1);
    expect(() => project.labels.remove(cat.id, { kind: 'only_if_unused' })).toThrow(
      'label "cat" is used by 2 annotation(s): choose to reassign them to another label or to delete them',
    );
    expect(() => project.labels.remove(cat.id, { kind: 'reassign', toLabelId: cat.id })).toThrow(
      /cannot reassign annotations to the label being deleted/,
    );
    expect(project.labels.remove(cat.id, { kind: 'reassign', toLabelId: dog.id })).toEqual({
      removedAnnotations: 0,
      reassigned: 2,
    });
    const after = project.annotations.list(img);
    expect(after.revision).toBe(3); // relabelling is an edit: stale clients must conflict
    expect(after.items.every((a) => a.labelId === dog.id)).toBe(true);
    expect(project.labels.get(dog.id).annotationCount).toBe(2);
    expect(project.labels.remove(dog.id, { kind: 'delete_annotations' })).toEqual({
      removedAnnotations: 2,
      reassigned: 0,
    });
    expect(project.annotations.list(img)).toEqual({ revision: 4, items: [] });
    expect(project.labels.list()).toEqual([]);
  });

  it('deletes an unused label without a choice', () => {
    const l = project.labels.create({ name: 'tmp' });
    expect(project.labels.remove(l.id, { kind: 'only_if_unused' })).toEqual({
      removedAnnotations: 0,
      reassigned: 0,
    });
    expect(() => project.labels.get(l.id)).toThrow(`label ${l.id} does not exist`);
  });
});
