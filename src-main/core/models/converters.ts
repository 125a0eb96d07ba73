import { type WeightDtype } from './memory';

/**
 * The converters the install pipeline runs, injected so that the pipeline does not depend on which
 * converters a build carries (and tests can pass a small one). `convertRadioCheckpoint` writes the encoder
 * (and the text tower when `textTowerDir` is given) into `outDir` and returns the bundle manifest;
 * `convertSamDecoder` writes the SAM prompt encoder + mask decoder into `outDir` and returns the manifest's
 * `mask_decoder` section. Both results are validated with the manifest schema before anything is trusted.
 */

export interface ConvertProgress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

export interface BundleMeta {
  readonly id: string;
  readonly name: string;
  readonly license: string;
  readonly source_url: string;
  readonly description: string;
}

export interface ConvertCheckpointOptions {
  /** `config.json` + `model.safetensors` (or an index and its shards), as on the hub. */
  readonly checkpointDir: string;
  /** SigLIP2 text tower: `config.json`, `tokenizer.json`, safetensors (possibly an index and some shards). */
  readonly textTowerDir?: string;
  readonly outDir: string;
  /** Square input side in pixels, a multiple of the patch size. */
  readonly resolution: number;
  readonly dtype: WeightDtype;
  /** The checkpoint's own adaptor names to convert (language and SAM). */
  readonly adaptors?: readonly string[];
  readonly meta: BundleMeta;
  readonly onProgress?: (p: ConvertProgress) => void;
  readonly signal?: AbortSignal;
}

export interface ConvertSamOptions {
  /** SAM weights (`config.json` + safetensors) as on the hub. */
  readonly samDir: string;
  readonly outDir: string;
  /** Patch grid side of the encoder the decoder will read (`resolution / patch size`). */
  readonly encoderGrid: number;
  readonly signal?: AbortSignal;
}

export interface ModelConverters {
  readonly convertRadioCheckpoint?: (o: ConvertCheckpointOptions) => Promise<unknown>;
  readonly convertSamDecoder?: (o: ConvertSamOptions) => Promise<unknown>;
}

/**
 * The converters this build carries. They live in core/models/convert (TypeScript, no Python); until they
 * are wired here, catalogue installs stop before downloading with a sentence that says so.
 */
export const builtInConverters: ModelConverters = {};
