import { readFileSync, writeFileSync, mkdtempSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SafetensorsFile,
  writeSafetensors,
  type TensorToWrite,
} from '../../../../../src-main/core/models/convert/safetensors';
import { convertSamDecoder } from '../../../../../src-main/core/models/convert/sam/convert-sam';
import { samConfigSchema, samDims } from '../../../../../src-main/core/models/convert/sam/sam-config';
import {
  samTensorShapes,
  TINY_SAM,
  VIT_H_SAM,
  writeSyntheticSamCheckpoint,
} from '../../../../fixtures/sam/synthetic-sam-checkpoint';

let tmp: string;
let samDir: string;
const grid = { heightPatches: 12, widthPatches: 16, patchSizePx: 16, channels: TINY_SAM.visionHidden };

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-sam-convert-'));
  samDir = path.join(tmp, 'sam');
  writeSyntheticSamCheckpoint(samDir, TINY_SAM);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the tiny checkpoint with its tensors edited. */
function editedCheckpoint(name: string, edit: (t: TensorToWrite[]) => TensorToWrite[]): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(samDir, 'config.json'), path.join(dir, 'config.json'));
  const st = SafetensorsFile.open(path.join(samDir, 'model.safetensors'));
  const tensors = [...st.tensors.values()].map((t): TensorToWrite => ({
    name: t.name,
    dtype: 'F32',
    shape: t.shape,
    data: st.readFloat32(t.name),
  }));
  st.close();
  writeSafetensors(path.join(dir, 'model.safetensors'), edit(tensors));
  return dir;
}

describe('SAM config (transformers SamConfig)', () => {
  it('fills what a config omits with configuration_sam.py defaults (SAM ViT-H decoder sizes)', () => {
    const c = samConfigSchema.parse({ vision_config: { hidden_size: 1280 } });
    expect(samDims(c, 'config.json')).toEqual({
      encoderDims: 1280,
      hidden: 256,
      frameSidePx: 1024,
      embedSide: 64,
      maskInChans: 16,
      numPosFeats: 128,
      heads: 8,
      mlpDim: 2048,
      layers: 2,
      downsample: 2,
      numMaskTokens: 4,
      iouHeadDepth: 3,
      iouHeadHidden: 256,
    });
  });

  it('refuses activations it was not built for, naming the field', () => {
    const r = samConfigSchema.safeParse({ mask_decoder_config: { hidden_act: 'gelu' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['mask_decoder_config', 'hidden_act']);
  });

  it('the generated ViT-H-sized checkpoint has the hub tensor names and shapes the converter reads', () => {
    const shapes = new Map(samTensorShapes(VIT_H_SAM));
    expect(shapes.get('vision_encoder.neck.conv1.weight')).toEqual([256, 1280, 1, 1]);
    expect(shapes.get('shared_image_embedding.positional_embedding')).toEqual([2, 128]);
    expect(shapes.get('mask_decoder.transformer.layers.1.cross_attn_image_to_token.q_proj.weight')).toEqual([
      128, 256,
    ]);
    expect(shapes.get('mask_decoder.upscale_conv1.weight')).toEqual([256, 64, 2, 2]);
    expect(shapes.get('mask_decoder.output_hypernetworks_mlps.3.proj_out.weight')).toEqual([32, 256]);
    expect(shapes.get('mask_decoder.iou_prediction_head.proj_out.bias')).toEqual([4]);
  });
});

describe('convertSamDecoder', () => {
  it('writes the neck and decoder and a manifest section naming both with their sha256', () => {
    const out = path.join(tmp, 'out-ok');
    const r = convertSamDecoder({ samDir, outDir: out, encoderGrid: grid });
    expect(r.files.map((f) => f.name)).toEqual(['sam_neck.onnx', 'sam_decoder.onnx']);
    expect(r.maskDecoder).toMatchObject({
      file: 'sam_decoder.onnx',
      input_size: 256,
      embedding_grid: 16,
      multimask: { single_mask_index: 0 },
      postprocess: 'sam',
      outputs: { masks: 'low_res_masks', scores: 'iou_predictions' },
      neck: { file: 'sam_neck.onnx', input: 'sam_features', output: 'image_embeddings' },
    });
    expect(r.maskDecoder.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Deterministic: the same checkpoint gives the same bytes.
    const again = convertSamDecoder({ samDir, outDir: path.join(tmp, 'out-ok2'), encoderGrid: grid });
    expect(again.maskDecoder.sha256).toBe(r.maskDecoder.sha256);
    expect(
      readFileSync(path.join(out, 'sam_neck.onnx')).equals(
        readFileSync(path.join(tmp, 'out-ok2', 'sam_neck.onnx')),
      ),
    ).toBe(true);
  });

  it('reads the positional matrix under its tied name prompt_encoder.shared_embedding too', () => {
    const dir = editedCheckpoint('tied-name', (ts) =>
      ts.map((t) =>
        t.name === 'shared_image_embedding.positional_embedding'
          ? { ...t, name: 'prompt_encoder.shared_embedding.positional_embedding' }
          : t,
      ),
    );
    const a = convertSamDecoder({ samDir, outDir: path.join(tmp, 'o1'), encoderGrid: grid });
    const b = convertSamDecoder({ samDir: dir, outDir: path.join(tmp, 'o2'), encoderGrid: grid });
    expect(b.maskDecoder.sha256).toBe(a.maskDecoder.sha256);
  });

  it('names the file and the tensor when one is missing', () => {
    const dir = editedCheckpoint('missing', (ts) =>
      ts.filter((t) => t.name !== 'mask_decoder.upscale_layer_norm.weight'),
    );
    expect(() => convertSamDecoder({ samDir: dir, outDir: path.join(tmp, 'o3'), encoderGrid: grid })).toThrow(
      `${path.join(dir, 'model.safetensors')}: no tensor "mask_decoder.upscale_layer_norm.weight"`,
    );
  });

  it('names the tensor and both shapes when the config and the weights disagree', () => {
    const dir = editedCheckpoint('shape', (ts) =>
      ts.map((t) =>
        t.name === 'mask_decoder.mask_tokens.weight'
          ? { ...t, shape: [2, 2 * TINY_SAM.hidden], data: t.data.slice(0, 4 * TINY_SAM.hidden) }
          : t,
      ),
    );
    expect(() => convertSamDecoder({ samDir: dir, outDir: path.join(tmp, 'o4'), encoderGrid: grid })).toThrow(
      'tensor "mask_decoder.mask_tokens.weight" has shape [2, 64], the config implies [4, 32]',
    );
  });

  it('refuses an encoder whose sam_features width is not the neck input, or whose grid does not fit', () => {
    expect(() =>
      convertSamDecoder({ samDir, outDir: path.join(tmp, 'o5'), encoderGrid: { ...grid, channels: 1280 } }),
    ).toThrow(/takes 48-channel features .* have 1280/);
    expect(() =>
      convertSamDecoder({ samDir, outDir: path.join(tmp, 'o6'), encoderGrid: { ...grid, widthPatches: 17 } }),
    ).toThrow(/grid 17×12 does not fit SAM's 16×16 embedding grid/);
  });

  it('reports a config that is not JSON with the file name', () => {
    const dir = path.join(tmp, 'bad-config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'config.json'), '{ nope');
    expect(() => convertSamDecoder({ samDir: dir, outDir: path.join(tmp, 'o7'), encoderGrid: grid })).toThrow(
      `${path.join(dir, 'config.json')}: cannot read the SAM config`,
    );
  });
});
