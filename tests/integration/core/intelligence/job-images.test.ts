import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asImageId, asLabelId } from '@contract';
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

describe('resolveJobImages (which images a job covers)', () => {
  it('selects all / new / uncached / explicit ids, and the propagation targets', () => {
    const { project, images, labels } = sp;
    const ids = images.map((i) => i.id);
    project.images.setStatus(ids[0]!, 'done');
    expect(
      resolveJobImages(project, { kind: 'auto_label', params: { modelId: 'starter', prompts } }),
    ).toEqual(ids);
    expect(
      resolveJobImages(project, {
        kind: 'auto_label',
        params: { modelId: 'starter', prompts, images: 'new' },
      }),
    ).toEqual(ids.slice(1));
    expect(resolveJobImages(project, { kind: 'embed', params: { modelId: 'starter' } })).toEqual(ids);
    expect(
      resolveJobImages(project, { kind: 'embed', params: { modelId: 'starter', images: [ids[2]!] } }),
    ).toEqual([ids[2]]);
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
    expect(
      resolveJobImages(project, { kind: 'propagate', params: { modelId: 'starter', labelId: labels.red } }),
    ).toEqual([ids[0], ids[2]]);
  });

  it('names an image that does not exist', () => {
    expect(() =>
      resolveJobImages(sp.project, {
        kind: 'embed',
        params: { modelId: 'starter', images: [asImageId(999)] },
      }),
    ).toThrow('params.images.0: image 999 does not exist');
  });
});

const prompts = [{ labelId: asLabelId(1), texts: ['red'] }];
