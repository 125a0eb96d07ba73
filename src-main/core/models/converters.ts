import { type ConvertProgress } from './convert/convert-radio';
import { type ConvertSamOptions } from './convert/sam/convert-sam';
import { convertRadioInWorker, convertSamInWorker } from './convert-worker';
import { type WeightDtype } from './memory';

/**
 * The converters the install pipeline runs, injected so that the pipeline does not depend on which
 * converters a build carries (tests pass small ones). The shapes follow the converters in
 * core/models/convert (`convertRadioCheckpoint`) and core/models/convert/sam (`convertSamDecoder`); the
 * built-in ones run them in a worker thread (convert-worker.ts). What they return is validated with the
 * manifest schema before anything is trusted.
 */

export type { ConvertProgress, ConvertSamOptions };

export interface ConvertCheckpointOptions {
  /** `config.json` + `model.safetensors` (or an index and its shards), as on the hub. */
  readonly checkpointDir: string;
  /** SigLIP2 text tower: `config.json`, `tokenizer.json`, safetensors (an index lists only the shards present). */
  readonly textTowerDir?: string;
  /** Empty folder the bundle is written into. */
  readonly outDir: string;
  /** Square input side in pixels, a multiple of the patch size. */
  readonly resolution: number;
  readonly dtype: WeightDtype;
  /** The checkpoint's own adaptor names to convert; null: none of that kind. */
  readonly adaptors: { readonly language: string | null; readonly sam: string | null };
  readonly meta: {
    readonly id: string;
    readonly name: string;
    readonly license: string;
    readonly sourceUrl: string;
    readonly description: string;
  };
  readonly onProgress?: (e: ConvertProgress) => void;
  readonly signal?: AbortSignal;
}

export interface ModelConverters {
  /** Writes the encoder (and the text tower) into `outDir` and returns the bundle manifest. */
  readonly convertRadioCheckpoint?: (o: ConvertCheckpointOptions) => Promise<unknown>;
  /** Writes the SAM neck + decoder into `outDir`; `maskDecoder` is the manifest's `mask_decoder` section. */
  readonly convertSamDecoder?: (
    o: ConvertSamOptions,
  ) => { readonly maskDecoder: unknown } | Promise<{ readonly maskDecoder: unknown }>;
}

/**
 * The converters this build carries, each run in a worker thread of its own. Without
 * `convertRadioCheckpoint`, catalogue installs stop before downloading with a sentence that says so.
 */
export const builtInConverters: ModelConverters = {
  convertRadioCheckpoint: convertRadioInWorker,
  convertSamDecoder: convertSamInWorker,
};
