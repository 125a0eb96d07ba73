import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceEngine } from '../../../../src-main/core/inference';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-icc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('applyIccProfile engine option (settings.applyIccProfile)', () => {
  it('changes what the encoder sees only when on', async () => {
    // Saturated red/green stored in Display P3: the stored numbers differ from their sRGB meaning.
    const raw = new Uint8Array(64 * 64 * 3);
    for (let i = 0; i < 64 * 64; i++) raw.set(i % 64 < 32 ? [255, 0, 0] : [0, 200, 40], i * 3);
    const file = path.join(dir, 'p3.png');
    await sharp(raw, { raw: { width: 64, height: 64, channels: 3 } })
      .withIccProfile('p3')
      .png()
      .toFile(file);
    const plainFile = path.join(dir, 'stored-values.png');
    // The same stored numbers with no profile at all: what the reference (PIL) reads from p3.png.
    const stored = await sharp(file, { ignoreIcc: true }).raw().toBuffer();
    await sharp(stored, { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toFile(plainFile);

    const summaries: Float32Array[] = [];
    for (const applyIccProfile of [false, true]) {
      const engine = createInferenceEngine({ dataDir: dir, applyIccProfile: () => applyIccProfile });
      try {
        summaries.push((await engine.embedImageFile(file, 'starter')).summary);
        if (!applyIccProfile) {
          const plain = (await engine.embedImageFile(plainFile, 'starter')).summary;
          expect(Array.from(summaries[0]!)).toEqual(Array.from(plain));
        }
      } finally {
        await engine.dispose();
      }
    }
    const diff = summaries[0]!.reduce((m, v, i) => Math.max(m, Math.abs(v - summaries[1]![i]!)), 0);
    expect(diff).toBeGreaterThan(1e-3);
  });
});
