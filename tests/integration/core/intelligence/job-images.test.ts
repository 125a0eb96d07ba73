import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveJobImages } from '../../../../src-main/core/intelligence/job-images';
import { createSyntheticProject, randomScene, type SyntheticProject } from './helpers/synthetic-project';

let dir: string;
let sp: SyntheticProject;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-job-images-'));
  sp = await createSyntheticProject(
    dir,
    [1, 2, 3].map((i) => ({ ...randomScene(i, 32, 32), name: `j${i}.png` })),
  );
});

afterAll(() => {
  sp.project.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('resolveJobImages (jobs.start from the UI)', () => {
  it('selects all / new / uncached / explicit ids, and the propagation targets', () => {
    const { project, images, labels } = sp;
    const ids = images.map((i) => i.id);
    project.images.setStatus(ids[0]!, 'done');
    expect(resolveJobImages(project, 'auto_label', { modelId: 'starter' })).toEqual(ids);
    expect(resolveJobImages(project, 'auto_label', { modelId: 'starter', images: 'new' })).toEqual(
      ids.slice(1),
    );
    expect(resolveJobImages(project, 'embed', { modelId: 'starter' })).toEqual(ids);
    expect(resolveJobImages(project, 'embed', { modelId: 'starter', images: [ids[2]] })).toEqual([ids[2]]);
    project.annotations.applyPatch(
      ids[1]!,
      {
        added: [
          {
            clientId: 'a',
            labelId: labels.red,
            geometry: { kind: 'box', x: 1, y: 1, widthPx: 5, heightPx: 5 },
            score: null,
            source: 'manual',
          },
        ],
      },
      0,
    );
    expect(resolveJobImages(project, 'propagate', { modelId: 'starter', labelId: labels.red })).toEqual([
      ids[0],
      ids[2],
    ]);
  });

  it('names the bad field', () => {
    const { project } = sp;
    expect(() => resolveJobImages(project, 'embed', { modelId: 'starter', images: [999] })).toThrow(
      'params.images.0: image 999 does not exist',
    );
    expect(() => resolveJobImages(project, 'propagate', { modelId: 'starter' })).toThrow(
      'params.labelId: a propagation needs the label',
    );
    expect(() => resolveJobImages(project, 'embed', {})).toThrow(/^params\.modelId/);
    expect(() => resolveJobImages(project, 'embed', { modelId: 'starter', images: 'some' })).toThrow(
      /^params\.images/,
    );
  });
});
