import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceEngine, type InferenceEngine } from '../../../../src-main/core/inference';
import type { DenseGrid } from '../../../../src-main/core/embedding-types';

/**
 * 512×512: left half smooth grey, right half grey noise of the same mean (texture only), and a smooth
 * blue square inside the noisy half (colour only). A click's feature similarity must separate all three.
 */
async function scene(file: string): Promise<void> {
  const n = 512;
  const data = Buffer.alloc(n * n * 3);
  let seed = 3;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let px: number[];
      if (x >= 320 && x < 448 && y >= 192 && y < 320) px = [40, 70, 200];
      else if (x >= 256) {
        const v = Math.round(128 + (rnd() - 0.5) * 140);
        px = [v, v, v];
      } else px = [128, 128, 128];
      data.set(px, (y * n + x) * 3);
    }
  }
  await sharp(data, { raw: { width: n, height: n, channels: 3 } })
    .png()
    .toFile(file);
}

function cosineTo(grid: DenseGrid, row: number, col: number): Float32Array {
  const c = grid.dims;
  const ref = grid.data.subarray((row * grid.gridW + col) * c, (row * grid.gridW + col + 1) * c);
  const refNorm = Math.hypot(...ref);
  const out = new Float32Array(grid.gridH * grid.gridW);
  for (let i = 0; i < out.length; i++) {
    const v = grid.data.subarray(i * c, (i + 1) * c);
    let dot = 0;
    for (let d = 0; d < c; d++) dot += v[d]! * ref[d]!;
    out[i] = dot / (Math.hypot(...v) * refNorm || 1);
  }
  return out;
}

let dir: string;
let engine: InferenceEngine;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-feat-'));
  await scene(path.join(dir, 'scene.png'));
  engine = createInferenceEngine({ dataDir: dir });
});
afterAll(async () => {
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('starter features (click similarity)', () => {
  it('separate texture from smooth areas of the same colour, and colour from both', async () => {
    const e = await engine.embedImageFile(path.join(dir, 'scene.png'), 'starter');
    const g = e.features; // 32×32 patches
    const region = (row: number, col: number): 'smooth' | 'noise' | 'blue' =>
      col >= 20 && col < 28 && row >= 12 && row < 20 ? 'blue' : col >= 16 ? 'noise' : 'smooth';
    const summary = (sim: Float32Array, want: string): { inside: number; outside: number } => {
      let inMin = 1;
      let outMax = -1;
      for (let row = 1; row < 31; row++) {
        for (let col = 1; col < 31; col++) {
          if (col === 15 || col === 16 || [19, 20, 27, 28].includes(col) || [11, 12, 19, 20].includes(row))
            continue; // borders
          const s = sim[row * 32 + col]!;
          if (region(row, col) === want) inMin = Math.min(inMin, s);
          else outMax = Math.max(outMax, s);
        }
      }
      return { inside: inMin, outside: outMax };
    };
    for (const [row, col, want] of [
      [5, 5, 'smooth'],
      [5, 24, 'noise'],
      [15, 24, 'blue'],
    ] as const) {
      const { inside, outside } = summary(cosineTo(g, row, col), want);
      expect(inside, `click on ${want}: worst inside`).toBeGreaterThan(0.8);
      expect(outside, `click on ${want}: best outside`).toBeLessThan(0.5);
    }
  });
});
