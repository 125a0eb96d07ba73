import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BundleManifestInput } from '../../manifest';
import { SafetensorsFile } from '../safetensors';
import { buildDecoderGraph, DECODER_IO } from './decoder-graph';
import { buildNeckGraph, NECK_IO } from './neck-graph';
import { readSamConfig, SamConvertError, samDims, type SamDims } from './sam-config';
import { readSamWeights } from './sam-weights';

/** The RADIO encoder's `sam_features` grid the decoder will be fed from. */
export interface EncoderSamGrid {
  /** Largest patch grid the encoder gives (fixed resolution: its grid; short-side policy: its maximum). */
  readonly heightPatches: number;
  readonly widthPatches: number;
  readonly patchSizePx: number;
  /** Channels of `sam_features` (the `sam` adaptor's feat_mlp output; 1280 for SAM ViT-H). */
  readonly channels: number;
}

export interface ConvertSamOptions {
  /** A Hugging Face SAM checkpoint folder: `config.json` (SamConfig) + `model.safetensors`. */
  readonly samDir: string;
  /** Where `sam_neck.onnx` and `sam_decoder.onnx` are written (created if missing). */
  readonly outDir: string;
  readonly encoderGrid: EncoderSamGrid;
}

export type MaskDecoderManifestSection = NonNullable<BundleManifestInput['mask_decoder']>;

export interface SamConversion {
  /** The bundle manifest's `mask_decoder` section for the written files. */
  readonly maskDecoder: MaskDecoderManifestSection;
  readonly dims: SamDims;
  readonly files: readonly { readonly name: string; readonly bytes: number }[];
}

export const SAM_NECK_FILE = 'sam_neck.onnx';
export const SAM_DECODER_FILE = 'sam_decoder.onnx';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Converts SAM's image-encoder neck, prompt encoder and mask decoder from the official weights (no
 * Python) into two float32 ONNX graphs, and returns the manifest section that wires them to the RADIO
 * encoder's `sam_features`:
 *
 *   sam_features [1, h, w, C] ─ sam_neck.onnx (once per image) → image_embeddings [1, 256, 64, 64]
 *   image_embeddings + point_coords/labels + mask_input/has_mask_input ─ sam_decoder.onnx (per click)
 *     → low_res_masks [1, 4, 256, 256] (0: single-mask output, 1–3: multimask), iou_predictions [1, 4]
 *
 * Mask choice and resizing to the image run in the app (segment/sam-decoder.ts), in one place.
 */
export function convertSamDecoder(opts: ConvertSamOptions): SamConversion {
  const configFile = path.join(opts.samDir, 'config.json');
  const weightsFile = path.join(opts.samDir, 'model.safetensors');
  const dims = samDims(readSamConfig(configFile), configFile);
  const grid = opts.encoderGrid;
  if (grid.channels !== dims.encoderDims) {
    throw new SamConvertError(
      configFile,
      `the SAM neck takes ${dims.encoderDims}-channel features (vision_config.hidden_size) but the encoder's sam_features have ${grid.channels}: use the SAM checkpoint the RADIO sam adaptor was distilled from (ViT-H: facebook/sam-vit-huge)`,
    );
  }
  if (grid.heightPatches > dims.embedSide || grid.widthPatches > dims.embedSide) {
    throw new SamConvertError(
      configFile,
      `the encoder grid ${grid.widthPatches}×${grid.heightPatches} does not fit SAM's ${dims.embedSide}×${dims.embedSide} embedding grid: convert the encoder at a long side of at most ${dims.embedSide * grid.patchSizePx} px`,
    );
  }
  const st = SafetensorsFile.open(weightsFile);
  let neck: Uint8Array;
  let decoder: Uint8Array;
  try {
    const w = readSamWeights(st, dims);
    neck = buildNeckGraph(dims, w.neck);
    decoder = buildDecoderGraph(dims, w);
  } finally {
    st.close();
  }
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(path.join(opts.outDir, SAM_NECK_FILE), neck);
  writeFileSync(path.join(opts.outDir, SAM_DECODER_FILE), decoder);
  return {
    dims,
    files: [
      { name: SAM_NECK_FILE, bytes: neck.byteLength },
      { name: SAM_DECODER_FILE, bytes: decoder.byteLength },
    ],
    maskDecoder: {
      file: SAM_DECODER_FILE,
      sha256: sha256(decoder),
      inputs: {
        image_embeddings: DECODER_IO.imageEmbeddings,
        point_coords: DECODER_IO.pointCoords,
        point_labels: DECODER_IO.pointLabels,
        mask_input: DECODER_IO.maskInput,
        has_mask_input: DECODER_IO.hasMaskInput,
      },
      outputs: { masks: DECODER_IO.masks, scores: DECODER_IO.scores },
      input_size: dims.frameSidePx,
      neck: { file: SAM_NECK_FILE, sha256: sha256(neck), input: NECK_IO.input, output: NECK_IO.output },
      embedding_grid: dims.embedSide,
      multimask: { single_mask_index: 0 },
      postprocess: 'sam',
    },
  };
}
