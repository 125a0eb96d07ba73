import { decodeRgb } from '../images/open-image';
import { type EmbeddingKey, type ImageEmbedding, type MaskDecoderStage } from '../embedding-types';
import { type BundleManifest } from '../models/manifest';
import { segmentByClicks } from './click-similarity';
import { instanceToJson, type InstanceJson, type SegmentInstance } from './instances';
import { type BoxPrompt, type ClickPoint, validatePrompts } from './prompts';
import {
  segmentWithDecoder,
  type DecoderFeed,
  type DecoderOutputs,
  type LowResLogits,
  type MaskDecoderRunner,
} from './sam-decoder';
import { segmentText, type Heatmap } from './text-prompt';
import { type RgbImage } from './upsample';

/** What the segmentation pipeline needs from the inference engine (a structural subset of InferenceEngine). */
export interface SegmentEngine {
  getManifest(modelId: string): Promise<BundleManifest>;
  embedImageFile(
    imagePath: string,
    modelId: string,
    opts?: { cacheKey?: EmbeddingKey },
  ): Promise<ImageEmbedding>;
  embedTexts(modelId: string, texts: readonly string[]): Promise<Float32Array[]>;
  runMaskDecoder(
    modelId: string,
    feeds: Record<string, DecoderFeed>,
    stage?: MaskDecoderStage,
  ): Promise<DecoderOutputs>;
}

export type SegmentRequest =
  | { readonly kind: 'text'; readonly prompts: readonly string[] }
  | {
      readonly kind: 'prompt';
      /** Every click so far (each added click refines the result). */
      readonly clicks: readonly ClickPoint[];
      readonly box?: BoxPrompt;
      /** Decoder path: the previous result's `lowRes`, fed back as SAM's mask_input. */
      readonly previous?: LowResLogits;
    };

export interface SegmentRequestOptions {
  readonly thresholdProb?: number;
  readonly minAreaPx?: number;
  readonly refine?: boolean;
  /** Douglas–Peucker tolerance of the output polygons, in pixels. */
  readonly tolerancePx?: number;
  /** Embedding cache row for this image (the engine reads it first and fills it after a miss). */
  readonly cacheKey?: EmbeddingKey;
}

export interface SegmentImageResult {
  readonly width: number;
  readonly height: number;
  readonly model: string;
  /** Which path produced the masks. */
  readonly method: 'text' | 'similarity' | 'decoder';
  readonly instances: InstanceJson[];
  readonly heatmaps?: Heatmap[];
  /** Decoder path: logits to pass as `previous` with the next click. */
  readonly lowRes?: LowResLogits;
}

/** Decodes an image file (EXIF-oriented, alpha dropped) to RGB, the same way the encoder's preprocess does. */
export async function readRgbImage(imagePath: string): Promise<RgbImage> {
  return decodeRgb(imagePath);
}

/** An image already embedded (e.g. from the cache) plus its decoded pixels, for the service. */
export interface EmbeddedImage {
  readonly modelId: string;
  readonly manifest: BundleManifest;
  readonly embedding: ImageEmbedding;
  /** RGB pixels at the embedding's image size (for edge refinement). */
  readonly image: RgbImage;
}

/**
 * One image file, one request: checks the prompts against the image size and the words against the
 * vocabulary first, then the encoder pass (cached by the engine when it has a cache and a key).
 */
export async function segmentImageFile(
  engine: SegmentEngine,
  imagePath: string,
  modelId: string,
  request: SegmentRequest,
  opts: SegmentRequestOptions = {},
): Promise<SegmentImageResult> {
  const manifest = await engine.getManifest(modelId);
  const image = await readRgbImage(imagePath);
  switch (request.kind) {
    case 'text':
      assertTextModel(manifest, modelId);
      if (request.prompts.length === 0) throw new Error('at least one text prompt is needed');
      await engine.embedTexts(modelId, request.prompts); // fails fast on words outside the vocabulary
      break;
    case 'prompt':
      validatePrompts(request.clicks, request.box, image.widthPx, image.heightPx);
      break;
  }
  const embedding = await engine.embedImageFile(
    imagePath,
    modelId,
    opts.cacheKey ? { cacheKey: opts.cacheKey } : undefined,
  );
  return segmentEmbeddedImage(engine, { modelId, manifest, embedding, image }, request, opts);
}

/** The text or click/box path on an embedded image: the decoder when the bundle has one, else similarity. */
export async function segmentEmbeddedImage(
  engine: Pick<SegmentEngine, 'embedTexts' | 'runMaskDecoder'>,
  src: EmbeddedImage,
  request: SegmentRequest,
  opts: SegmentRequestOptions = {},
): Promise<SegmentImageResult> {
  const { modelId, manifest, embedding: emb, image } = src;
  const w = image.widthPx;
  const h = image.heightPx;
  if (emb.mapping.imageWidthPx !== w || emb.mapping.imageHeightPx !== h) {
    throw new Error(
      `the embedding is for a ${emb.mapping.imageWidthPx}×${emb.mapping.imageHeightPx} image, the pixels are ${w}×${h}`,
    );
  }
  switch (request.kind) {
    case 'text': {
      assertTextModel(manifest, modelId);
      if (request.prompts.length === 0) throw new Error('at least one text prompt is needed');
      if (!emb.textDense) throw new Error(`model "${modelId}" gave no text_dense grid for this image`);
      const texts = await engine.embedTexts(modelId, request.prompts);
      const background = await backgroundEmbedding(engine, modelId, request.prompts);
      const res = segmentText(
        {
          textDense: emb.textDense,
          mapping: emb.mapping,
          image,
          ...(background ? { background } : {}),
          prompts: request.prompts.map((label, k) => ({ label, embedding: texts[k]! })),
        },
        pick(opts),
      );
      return {
        width: w,
        height: h,
        model: modelId,
        method: 'text',
        instances: res.instances.map((i) => instanceToJson(i, w, h, tol(opts))),
        heatmaps: res.heatmaps,
      };
    }
    case 'prompt': {
      validatePrompts(request.clicks, request.box, w, h);
      const label = request.box && request.clicks.length === 0 ? 'box' : 'click';
      const decoder = manifest.mask_decoder;
      if (decoder && emb.samFeatures) {
        const run: MaskDecoderRunner = (feeds, stage) => engine.runMaskDecoder(modelId, feeds, stage);
        const res = await segmentWithDecoder(run, decoder, {
          samFeatures: emb.samFeatures,
          mapping: emb.mapping,
          clicks: request.clicks,
          ...(request.box ? { box: request.box } : {}),
          ...(request.previous ? { previous: request.previous } : {}),
        });
        return {
          width: w,
          height: h,
          model: modelId,
          method: 'decoder',
          instances: nonEmpty(asInstance(label, res), w, h, opts),
          lowRes: res.lowRes,
        };
      }
      const res = segmentByClicks(
        {
          features: emb.features,
          mapping: emb.mapping,
          clicks: request.clicks,
          image,
          ...(request.box ? { box: request.box } : {}),
        },
        {
          ...(opts.thresholdProb !== undefined ? { thresholdProb: opts.thresholdProb } : {}),
          ...(opts.refine !== undefined ? { refine: opts.refine } : {}),
        },
      );
      return {
        width: w,
        height: h,
        model: modelId,
        method: 'similarity',
        instances: nonEmpty(asInstance(label, res), w, h, opts),
      };
    }
  }
}

function assertTextModel(manifest: BundleManifest, modelId: string): void {
  if (!manifest.text || !manifest.encoder.outputs.text_dense) {
    throw new Error(
      `model "${modelId}" has no text tower or text_dense output, so it cannot take text prompts`,
    );
  }
}

/** "background" competes with the prompts when the model knows the word; otherwise prompts compete alone. */
async function backgroundEmbedding(
  engine: Pick<SegmentEngine, 'embedTexts'>,
  modelId: string,
  prompts: readonly string[],
): Promise<Float32Array | undefined> {
  if (prompts.some((p) => p.trim().toLowerCase() === 'background')) return undefined;
  try {
    const [bg] = await engine.embedTexts(modelId, ['background']);
    return bg;
  } catch {
    return undefined;
  }
}

function nonEmpty(inst: SegmentInstance, w: number, h: number, opts: SegmentRequestOptions): InstanceJson[] {
  if (inst.areaPx === 0 || inst.areaPx < (opts.minAreaPx ?? 0)) return [];
  return [instanceToJson(inst, w, h, tol(opts))];
}

function pick(opts: SegmentRequestOptions): { thresholdProb?: number; minAreaPx?: number; refine?: boolean } {
  return {
    ...(opts.thresholdProb !== undefined ? { thresholdProb: opts.thresholdProb } : {}),
    ...(opts.minAreaPx !== undefined ? { minAreaPx: opts.minAreaPx } : {}),
    ...(opts.refine !== undefined ? { refine: opts.refine } : {}),
  };
}

function tol(opts: SegmentRequestOptions): { tolerancePx?: number } {
  return opts.tolerancePx !== undefined ? { tolerancePx: opts.tolerancePx } : {};
}

/** One mask from either click path as the instance the CLI and the service hand out. */
function asInstance(label: string, m: Omit<SegmentInstance, 'label'>): SegmentInstance {
  return { label, score: m.score, areaPx: m.areaPx, bbox: m.bbox, mask: m.mask };
}
