import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_SHAPE, writeRealShapeBundle } from '../../../../models/tools/real-shape-bundle';
import { createInferenceEngine } from '../../../../src-main/core/inference';
import {
  readManifest,
  smokeInputSize,
  smokeRunBundle,
  type GraphRunner,
} from '../../../../src-main/core/models/verify';

const root = path.resolve(import.meta.dirname, '../../../..');
let dir: string;

/** A real onnxruntime-node session per call (what the inference worker does, without the worker). */
const run: GraphRunner = async (onnxPath, feeds, names) => {
  const session = await ort.InferenceSession.create(onnxPath);
  try {
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.type, f.data, f.dims)]),
    );
    const res = await session.run(tensors, names);
    return Object.fromEntries(
      names.map((n) => [n, { dims: [...res[n]!.dims], data: res[n]!.data as Float32Array }]),
    );
  } finally {
    await session.release();
  }
};

/** The manifest fields these tests edit. */
interface EditableManifest {
  id: string;
  encoder: { patch_size: number; resolution: unknown; outputs: { summary: unknown; features: unknown } };
  text: { dim: number };
}

/** Copies a bundle and edits its manifest (the ONNX files and their sha256s stay valid). */
function brokenCopy(from: string, id: string, edit: (m: EditableManifest) => void): string {
  const to = path.join(dir, 'bundles', id);
  cpSync(from, to, { recursive: true });
  const file = path.join(to, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as EditableManifest;
  m.id = id;
  edit(m);
  writeFileSync(file, JSON.stringify(m));
  return to;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-smoke-'));
  writeRealShapeBundle(path.join(dir, 'real-shape'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('models verify runs each graph once', () => {
  it('runs the starter at a small non-square size (its policy is short_side)', async () => {
    const starter = path.join(root, 'models/starter');
    const m = await readManifest(starter);
    expect(smokeInputSize(m)).toEqual({ widthPx: 48, heightPx: 32 });
    const report = await smokeRunBundle(starter, m, run);
    expect(report.encoder.inputDims).toEqual([1, 3, 32, 48]);
    expect(report.encoder.outputs.features?.slice(0, 2)).toEqual([1, 6]);
    expect(report.encoder.outputs.text_dense).toEqual([1, 6, m.text!.dim]);
    expect(report.text?.outputDims).toEqual([2, m.text!.dim]);
    expect(report.maskDecoder).toBeUndefined();
  });

  it('runs a RADIO-shaped bundle: fixed 512², text tower, mask decoder on the 32×32 SAM grid', async () => {
    const bundle = path.join(dir, 'real-shape');
    const report = await smokeRunBundle(bundle, await readManifest(bundle), run);
    expect(report.encoder.outputs.sam_features).toEqual([1, REAL_SHAPE.samDims, 32, 32]);
    expect(report.text?.outputDims).toEqual([2, REAL_SHAPE.textDims]);
    expect(report.maskDecoder?.outputs).toEqual({ masks: [1, 1, 128, 128], iou_predictions: [1, 1] });
  });

  it('names the problem when output shapes disagree with the manifest', async () => {
    const starter = path.join(root, 'models/starter');
    const wrongPatch = brokenCopy(starter, 'wrong-patch', (m) => (m.encoder.patch_size = 8));
    await expect(smokeRunBundle(wrongPatch, await readManifest(wrongPatch), run)).rejects.toThrow(
      /^model bundle "wrong-patch": encoder\.outputs\.features: smoke run: "features" is \[1, 6, \d+\], expected \[1, 24·u², C\] for a 4×6 patch grid$/,
    );
    const wrongDim = brokenCopy(starter, 'wrong-dim', (m) => (m.text.dim += 1));
    await expect(smokeRunBundle(wrongDim, await readManifest(wrongDim), run)).rejects.toThrow(
      /encoder\.outputs\.text_dense: smoke run: "text_dense" is \[1, 6, 11\], expected 12 channels \(text\.dim\)/,
    );
  });

  it('names the problem when a graph does not run at the size the policy promises', async () => {
    // The encoder has a fixed 512×512 input; a manifest claiming short_side makes the app feed 48×32.
    const claimsAnySize = brokenCopy(path.join(dir, 'real-shape'), 'claims-any-size', (m) => {
      m.encoder.resolution = { kind: 'short_side', short_side: 512, step: 16, max: 1024 };
    });
    await expect(smokeRunBundle(claimsAnySize, await readManifest(claimsAnySize), run)).rejects.toThrow(
      /^model bundle "claims-any-size": encoder\.file: smoke run at 48×32 failed: .+/,
    );
  });

  it('engine.verifyModel includes the smoke run (starter passes, a broken copy is refused)', async () => {
    const wrongDim = brokenCopy(path.join(root, 'models/starter'), 'wrong-dim-engine', (m) => {
      m.text.dim = 5;
      m.encoder.outputs = { summary: m.encoder.outputs.summary, features: m.encoder.outputs.features };
    });
    const engine = createInferenceEngine({ dataDir: dir, modelDirs: [path.dirname(wrongDim)] });
    try {
      expect((await engine.verifyModel('starter')).manifest.id).toBe('starter');
      await expect(engine.verifyModel('wrong-dim-engine')).rejects.toThrow(
        'model bundle "wrong-dim-engine": text.dim: smoke run: "text_embeds" is [2, 11], expected [2, 5]',
      );
    } finally {
      await engine.dispose();
    }
  });
});
