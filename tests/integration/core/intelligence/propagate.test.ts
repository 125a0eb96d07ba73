import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceEngine, type InferenceEngine } from '../../../../src-main/core/inference';
import { propagateHandler, propagationSplit } from '../../../../src-main/core/intelligence/propagate';
import { JobRunner } from '../../../../src-main/core/jobs/job-runner';
import { decodeRle, encodeMask } from '../../../../src-main/core/segment/rle';
import { connectedComponents, componentMask } from '../../../../src-main/core/segment/components';
import { addImage, emptyCounts, summary } from './helpers/scoring';
import { createSyntheticProject, randomScene, type SyntheticProject } from './helpers/synthetic-project';

const W = 96;
const H = 80;
let dir: string;
let engine: InferenceEngine;
let sp: SyntheticProject;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-propagate-'));
  engine = createInferenceEngine({ dataDir: path.join(dir, 'data') });
  const scenes = Array.from({ length: 24 }, (_, i) => ({ ...randomScene(700 + i, W, H), name: `p${i}.png` }));
  sp = await createSyntheticProject(path.join(dir, 'project'), scenes);
});

afterAll(async () => {
  sp.project.close();
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('label all similar (propagation)', () => {
  // Measured (starter, 24 scenes of 96×80, 2 labelled images per colour, 160 px short side), pixel P / R,
  // instance P / R at IoU ≥ 0.5: red 0.998 / 0.998, 1 / 1; blue 0.996 / 1, 1 / 1; green 1 / 0.954,
  // 0.8 / 0.8 (with PIL's resampling grid: one of the five green objects is found at IoU 0.49; with
  // libvips' grid it was 1 / 0.983, 1 / 1). Asserted with a margin: at most one instance in five missed.
  it.each(['red', 'blue', 'green'] as const)(
    'learns "%s" from two labelled images and finds it in the others: precision and recall on ground truth',
    async (colour) => {
      const { project, images, labels } = sp;
      const withColour = images.filter((i) => i.rendered.masks[colour].some((v) => v === 1));
      expect(withColour.length).toBeGreaterThanOrEqual(5);
      // The user labels every object of that colour in two images (one mask annotation per object).
      for (const ex of withColour.slice(0, 2)) {
        const cc = connectedComponents(ex.rendered.masks[colour], W, H, 8);
        const added = Array.from({ length: cc.count }, (_, k) => ({
          clientId: `gt-${k}`,
          labelId: labels[colour],
          geometry: { kind: 'mask' as const, rle: encodeMask(componentMask(cc, k + 1), W, H) },
          score: null,
          source: 'manual' as const,
        }));
        project.annotations.applyPatch(ex.id, { added }, project.annotations.list(ex.id).revision);
      }
      const split = propagationSplit(project, labels[colour]);
      expect(split.exemplars).toEqual(withColour.slice(0, 2).map((i) => i.id));
      expect(split.targets).toHaveLength(images.length - 2);

      const logs: string[] = [];
      const runner = new JobRunner({
        project,
        handlers: [propagateHandler(engine)],
        log: (m) => logs.push(m),
      });
      const job = runner.submit(
        { kind: 'propagate', params: { modelId: 'starter', resolution: 160, labelId: labels[colour] } },
        split.targets,
      );
      await runner.whenIdle();
      expect(runner.get(job.id)).toMatchObject({ state: 'done', done: images.length - 2, error: null });

      const repo = project.proposals;
      const counts = emptyCounts();
      for (const img of images.filter((i) => split.targets.includes(i.id))) {
        const preds = repo
          .list(img.id)
          .filter((p) => p.labelId === labels[colour])
          .map((p) => {
            expect(p.source).toBe('propagated');
            if (p.geometry.kind !== 'mask') throw new Error('expected masks');
            return decodeRle(p.geometry.rle);
          });
        addImage(counts, preds, img.rendered.masks[colour], W, H);
      }
      const s = summary(counts);
      console.log(
        `propagation of ${colour} (starter, 24 scenes, 2 labelled): ${JSON.stringify(s)}; ${logs.join('; ')}`,
      );
      expect(s.pixelPrecision).toBeGreaterThan(0.9);
      expect(s.pixelRecall).toBeGreaterThan(0.9);
      expect(s.instancePrecision).toBeGreaterThanOrEqual(0.8);
      expect(s.instanceRecall).toBeGreaterThanOrEqual(0.8);
    },
  );

  it('refuses a label without examples, naming it', () => {
    const runner = new JobRunner({ project: sp.project, handlers: [propagateHandler(engine)] });
    const job = runner.submit(
      { kind: 'propagate', params: { modelId: 'starter', labelId: sp.labels.yellow } },
      [],
    );
    return runner.whenIdle().then(() => {
      expect(runner.get(job.id)).toMatchObject({
        state: 'failed',
        error: `labelId: label ${sp.labels.yellow} has no annotations to learn from: label a few examples first`,
      });
    });
  });
});
