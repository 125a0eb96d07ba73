import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInConverters } from '../../../../src-main/core/models/converters';
import { ModelManager } from '../../../../src-main/core/models/model-manager';
import {
  OFFICIAL_ID,
  OFFICIAL_SAM,
  officialRepos,
  writeOfficialCatalogue,
} from '../../../fixtures/models/official-hub';
import { writeReposToDir } from '../../../fixtures/models/synthetic-hub';

// The click decoder wants the encoder's grid to fill SAM's embedding grid (SAM's config.json: 256-px
// frame, 16-px patches here; 1024 px for SAM ViT-H). The plan takes that size unless the user chose one,
// and says what either choice costs.
let tmp: string;
let m: ModelManager;
let fromDir: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-sam-plan-'));
  fromDir = path.join(tmp, 'repos');
  writeReposToDir(fromDir, officialRepos());
  m = new ModelManager({
    dataDir: path.join(tmp, 'data'),
    converters: builtInConverters,
    verifyBundle: () => Promise.resolve(),
    mirrorSetting: () => null,
    cataloguePath: writeOfficialCatalogue(path.join(tmp, 'catalogue.json')),
    env: {},
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('install plan: the encoder size for the SAM decoder', () => {
  it('with the SAM adaptor and no size chosen, builds the encoder at SAM input size and says why', async () => {
    const plan = await m.plan({ catalogueId: OFFICIAL_ID, fromDir });
    expect([plan.resolutionPx, plan.clickDecoderResolutionPx, plan.bundleId]).toEqual([
      OFFICIAL_SAM.imageSize,
      OFFICIAL_SAM.imageSize,
      `${OFFICIAL_ID}-256-fp32`,
    ]);
    expect(plan.memory.tokens).toBe(16 * 16 + 8);
    expect(plan.notes).toContain(
      "Click decoder: the encoder is built at 256 × 256 px, SAM's own input size, so clicks and boxes get full-resolution SAM masks (chosen because the SAM adaptor is included); the checkpoint's preferred 64 px (--resolution 64) runs the encoder on 16× fewer patches (memory ≈ 4.5 MiB instead of 6.2 MiB) and gives coarser click masks.",
    );
  });

  it('a smaller size chosen by the user keeps the decoder and says the masks get coarser', async () => {
    const plan = await m.plan({ catalogueId: OFFICIAL_ID, fromDir, resolutionPx: 64 });
    expect([plan.resolutionPx, plan.clickDecoderResolutionPx, plan.provides.clickDecoder]).toEqual([
      64,
      256,
      true,
    ]);
    expect(plan.notes).toContain(
      "Click decoder: at 64 × 64 px the image fills 4×4 of SAM's 16×16 embedding grid, so click masks are coarser than SAM's; 256 px (--resolution 256) is SAM's own input size (memory ≈ 6.2 MiB).",
    );
  });

  it('a larger size than SAM takes drops the decoder (similarity clicks) and says so', async () => {
    const plan = await m.plan({ catalogueId: OFFICIAL_ID, fromDir, resolutionPx: 512 });
    expect([plan.provides.clickDecoder, plan.clickDecoderResolutionPx]).toEqual([false, null]);
    expect(plan.repos.map((r) => r.role)).toEqual(['checkpoint', 'text']);
    expect(plan.notes).toContain(
      "Clicks use feature similarity: SAM's decoder takes at most a 16×16 patch grid (256 px); install at that size or less for the click decoder.",
    );
  });
});
