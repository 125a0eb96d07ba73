import { type Geometry, type ImageId, type LabelId } from '@contract';
import { InvalidInputError } from '../db/errors';
import { type EngineImageEmbedding, type InferenceEngine } from '../inference';
import { prioritizedEngine } from '../jobs/prioritized-engine';
import { type ItemProcessor, type JobHandler } from '../jobs/job-types';
import { type Project } from '../project';
import { cosineMaps } from '../segment/grid-ops';
import { maskToInstances } from '../segment/instances';
import { encodeMask } from '../segment/rle';
import { defaultMinAreaPx } from '../segment/text-prompt';
import { upsampleProbability } from '../segment/upsample';
import { ensureEmbedding, guideImage, specOf, type EmbeddingSpec } from './embeddings';
import { annotationMask } from '../segment/geometry-mask';
import {
  backgroundCentroids,
  contrastScore,
  maskCellCoverage,
  maskPooledFeature,
  maxOverMaps,
  propagationThreshold,
} from './pooling';
import { type NewProposal } from '../db/proposals-repo';

/** Steepness of the score → probability logistic around the threshold. */
const LOGIT_SLOPE = 30;
/** Negative prototypes taken from each labelled image's background. */
const BACKGROUND_CENTROIDS_PER_IMAGE = 4;

export interface Prototypes {
  /** One per labelled shape (the largest first). */
  readonly vectors: Float32Array[];
  /** Background centroids of the labelled images: a cell must be closer to the class than to these. */
  readonly background: Float32Array[];
  /** Cosine threshold separating the class from the rest on the labelled images. */
  readonly threshold: number;
  readonly exemplarImages: ImageId[];
}

/** Images the user labelled with `labelId` (the exemplars) and the others (the propagation targets). */
export function propagationSplit(
  project: Project,
  labelId: LabelId,
): { exemplars: ImageId[]; targets: ImageId[] } {
  const exemplars = project.annotations.imageIdsWithLabel(labelId);
  const set = new Set<number>(exemplars);
  const targets = project.images.presentIds().filter((id) => !set.has(id));
  return { exemplars, targets };
}

/**
 * Mask-pooled prototypes (one per labelled shape) on the exemplars' feature grids, and the threshold that
 * best separates the labelled cells from the unlabelled cells of those images.
 */
export async function buildPrototypes(
  project: Project,
  engine: InferenceEngine,
  spec: EmbeddingSpec,
  labelId: LabelId,
  maxPrototypes = 32,
): Promise<Prototypes> {
  const shapes = project.annotations.shapesOfLabel(labelId);
  if (shapes.length === 0) {
    throw new InvalidInputError(
      'labelId',
      `label ${labelId} has no annotations to learn from: label a few examples first`,
    );
  }
  const byImage = new Map<ImageId, Geometry[]>();
  for (const s of shapes) byImage.set(s.imageId, [...(byImage.get(s.imageId) ?? []), s.geometry]);
  const exemplars: { embedding: EngineImageEmbedding; coverages: Float32Array[] }[] = [];
  const candidates: { vector: Float32Array; weight: number }[] = [];
  for (const [imageId, geometries] of byImage) {
    const { embedding } = await ensureEmbedding(project, engine, imageId, spec);
    const { gridW, gridH } = embedding.features;
    const { imageWidthPx: w, imageHeightPx: h } = embedding.mapping;
    const coverages = geometries.map((g) =>
      maskCellCoverage(annotationMask(g, w, h), embedding.mapping, gridW, gridH),
    );
    for (const cov of coverages) {
      const v = maskPooledFeature(embedding.features, cov);
      if (v) candidates.push({ vector: v, weight: cov.reduce((a, b) => a + b, 0) });
    }
    exemplars.push({ embedding, coverages });
  }
  if (candidates.length === 0) {
    throw new InvalidInputError(
      'labelId',
      `the annotations of label ${labelId} cover no pixels to learn from`,
    );
  }
  const vectors = candidates
    .sort((a, b) => b.weight - a.weight)
    .slice(0, maxPrototypes)
    .map((c) => c.vector);
  const unions = exemplars.map((ex) => {
    const union = new Float32Array(ex.coverages[0]?.length ?? 0);
    for (const cov of ex.coverages)
      for (let c = 0; c < cov.length; c++) union[c] = Math.max(union[c]!, cov[c]!);
    return union;
  });
  const background = exemplars
    .flatMap((ex, i) =>
      backgroundCentroids(ex.embedding.features, unions[i]!, BACKGROUND_CENTROIDS_PER_IMAGE),
    )
    .slice(0, maxPrototypes);
  const positives: number[] = [];
  const negatives: number[] = [];
  for (const [i, ex] of exemplars.entries()) {
    const score = maxOverMaps(cosineMaps(ex.embedding.features, vectors));
    const union = unions[i]!;
    for (let c = 0; c < score.length; c++) {
      if (union[c]! >= 0.5) positives.push(score[c]!);
      else if (union[c] === 0) negatives.push(score[c]!);
    }
  }
  const threshold = propagationThreshold(Float32Array.from(positives), Float32Array.from(negatives));
  return { vectors, background, threshold, exemplarImages: [...byImage.keys()] };
}

/**
 * Probability per cell: a logistic of min(class cosine − threshold, class cosine − background cosine).
 * The threshold rejects what is unlike every example; the background term rejects what is more like
 * the labelled images' background than like the class (a cut alone lets textured stuff through).
 */
export function prototypeProbability(
  embedding: EngineImageEmbedding,
  protos: Prototypes,
  threshold: number,
): Float32Array {
  const pos = maxOverMaps(cosineMaps(embedding.features, protos.vectors));
  const margin = contrastScore(embedding.features, protos.vectors, protos.background);
  const out = new Float32Array(pos.length);
  for (let i = 0; i < pos.length; i++) {
    const s = Math.min(pos[i]! - threshold, protos.background.length > 0 ? margin[i]! : Infinity);
    out[i] = 1 / (1 + Math.exp(-LOGIT_SLOPE * s));
  }
  return out;
}

/**
 * The 'propagate' job ("label all similar"): prototypes from the user's shapes of one label, every
 * patch of the other images scored against them, thresholded, split into components and stored as
 * proposals (source 'propagated'). Prototypes are rebuilt on resume, from the same annotations.
 */
export function propagateHandler(engine: InferenceEngine): JobHandler<'propagate'> {
  return {
    kind: 'propagate',
    async start(params, ctx): Promise<ItemProcessor> {
      const p = {
        ...params,
        thresholdOffset: params.thresholdOffset ?? 0,
        minScore: params.minScore ?? 0.5,
        maxPrototypes: params.maxPrototypes ?? 32,
        refine: params.refine ?? true,
      };
      const { labelId } = p;
      if (!ctx.project.labels.exists(labelId)) {
        throw new InvalidInputError('params.labelId', `label ${labelId} does not exist in this project`);
      }
      const spec = specOf(p);
      const batchEngine = prioritizedEngine(engine, ctx.scheduler, 'batch', ctx.signal);
      const protos = await buildPrototypes(ctx.project, batchEngine, spec, labelId, p.maxPrototypes);
      const threshold = (p.threshold ?? protos.threshold) + p.thresholdOffset;
      ctx.log(
        `propagate: ${protos.vectors.length} class and ${protos.background.length} background prototypes, cosine threshold ${threshold.toFixed(3)}`,
      );
      const exemplars = new Set<number>(protos.exemplarImages);
      const proposals = ctx.project.proposals;
      return {
        async process(imageId: ImageId) {
          if (exemplars.has(imageId)) return { kind: 'done' };
          const { embedding } = await ensureEmbedding(ctx.project, batchEngine, imageId, spec);
          const image = p.refine ? await guideImage(ctx.project, imageId, embedding.mapping) : undefined;
          await ctx.scheduler.yieldToInteractive(ctx.signal);
          const prob = prototypeProbability(embedding, protos, threshold);
          const { gridW, gridH } = embedding.features;
          const { imageWidthPx: w, imageHeightPx: h } = embedding.mapping;
          const up = upsampleProbability(prob, gridW, gridH, embedding.mapping, {
            thresholdProb: 0.5,
            ...(image ? { guide: image } : {}),
          });
          const minArea = p.minAreaPx ?? defaultMinAreaPx(embedding.mapping);
          const found: NewProposal[] = maskToInstances(up.mask, up.prob, w, h, String(labelId), minArea)
            .filter((inst) => inst.score >= p.minScore)
            .map((inst) => ({
              imageId,
              labelId,
              source: 'propagated',
              geometry: { kind: 'mask', rle: encodeMask(inst.mask, w, h) },
              score: inst.score,
              areaPx: inst.areaPx,
              jobId: ctx.jobId,
            }));
          return {
            kind: 'done',
            commit: () => proposals.propose(found),
          };
        },
      };
    },
  };
}
