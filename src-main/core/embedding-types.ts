/**
 * Shapes shared by the inference engine (producer), the embedding cache (storage) and the segmentation
 * engine (consumer). Kept in one tiny module so that those three folders never import each other just
 * for types.
 */

/** A dense patch grid, row-major H×W×C (channels last), as the segmentation code consumes it. */
export interface DenseGrid {
  readonly data: Float32Array;
  readonly gridH: number;
  readonly gridW: number;
  readonly dims: number;
}

/** How a model input of inputW×inputH pixels maps back onto the original image. */
export interface PixelPatchMapping {
  readonly imageWidthPx: number;
  readonly imageHeightPx: number;
  readonly inputWidthPx: number;
  readonly inputHeightPx: number;
  readonly patchPx: number;
}

/** Everything one encoder pass gives for one image, decoded to float32. */
export interface ImageEmbedding {
  readonly modelId: string;
  readonly mapping: PixelPatchMapping;
  readonly summary: Float32Array;
  readonly features: DenseGrid;
  readonly textDense?: DenseGrid;
  readonly samFeatures?: DenseGrid;
}

/** A bundle's mask-decoder graphs: the per-click decoder, or the per-image SAM neck in front of it. */
export type MaskDecoderStage = 'decoder' | 'neck';

/** Cache key: one row per (image, model, resolution). */
export interface EmbeddingKey {
  readonly imageId: number;
  readonly modelId: string;
  readonly resolution: string;
}

/** A tensor as stored in the cache: IEEE half floats (fp16 bits) plus its dims. */
export interface HalfTensor {
  readonly dims: readonly number[];
  readonly data: Uint16Array;
}

/** The named outputs of one encoder pass as stored, plus the pixel↔patch mapping. */
export interface StoredEmbedding {
  readonly mapping: PixelPatchMapping;
  readonly tensors: Readonly<Record<string, HalfTensor>>;
}

/** What the inference engine needs from the store's embedding cache (implemented in core/db). */
export interface EmbeddingCacheStore {
  get(key: EmbeddingKey): StoredEmbedding | undefined;
  put(key: EmbeddingKey, value: StoredEmbedding): void;
  getText(modelId: string, text: string): Float32Array | undefined;
  putText(modelId: string, text: string, embedding: Float32Array): void;
}
