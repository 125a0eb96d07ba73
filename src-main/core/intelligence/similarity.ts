import { asImageId, type AnnotationId, type ImageId, type LabelId } from '@contract';
import { NotFoundError } from '../db/errors';
import { type DenseGrid, type PixelPatchMapping } from '../embedding-types';
import { type Project } from '../project';
import { connectedComponents } from '../segment/components';
import { maskToInstances } from '../segment/instances';
import { encodeMask } from '../segment/rle';
import { upsampleProbability } from '../segment/upsample';
import { cosineMaps, l2Normalize } from '../segment/grid-ops';
import { cachedEmbedding, cachedSummaries, guideImage, type EmbeddingSpec } from './embeddings';
import { duplicatePairs } from './duplicate-pairs';
import { annotationMask } from '../segment/geometry-mask';
import { type PatchIndex } from './patch-index';
import { maskCellCoverage, maskPooledFeature } from './pooling';
import { type NewProposal } from '../db/proposals-repo';

export interface ImageHit {
  readonly imageId: ImageId;
  readonly score: number;
}

/** Image-level search: cosine of the summary vectors, best first, the query image left out. */
export function similarImages(
  project: Project,
  spec: EmbeddingSpec,
  imageId: ImageId,
  topK = 10,
): ImageHit[] {
  const summaries = [...cachedSummaries(project, spec)];
  const query = summaries.find((s) => s.imageId === imageId);
  if (!query)
    throw new NotFoundError(
      `image ${imageId} has no cached embedding for model "${spec.modelId}": precompute it first`,
    );
  const q = l2Normalize(query.vector);
  return summaries
    .filter((s) => s.imageId !== imageId)
    .map((s) => ({ imageId: s.imageId, score: round4(dot(q, l2Normalize(s.vector))) }))
    .sort((a, b) => b.score - a.score || a.imageId - b.imageId)
    .slice(0, Math.max(0, topK));
}

export interface DuplicateReport {
  readonly threshold: number;
  readonly pairs: { a: ImageId; b: ImageId; score: number }[];
  /** Connected groups of near-duplicates (each sorted), for keeping a group on one side of a split. */
  readonly groups: ImageId[][];
}

/** Near-duplicates: every pair of cached images whose summary cosine is at least `threshold`. */
export function findDuplicates(project: Project, spec: EmbeddingSpec, threshold = 0.95): DuplicateReport {
  if (!(threshold > -1 && threshold <= 1)) throw new Error(`threshold must be in (-1, 1], got ${threshold}`);
  const items = [...cachedSummaries(project, spec)].map((s) => ({ id: s.imageId, v: l2Normalize(s.vector) }));
  const pairs: { a: ImageId; b: ImageId; score: number }[] = [];
  const parent = new Map<number, number>(items.map((i) => [i.id, i.id]));
  const find = (x: number): number => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const { i, j, score } of duplicatePairs(
    items.map((x) => x.v),
    threshold,
  )) {
    pairs.push({ a: items[i]!.id, b: items[j]!.id, score: round4(score) });
    parent.set(find(items[j]!.id), find(items[i]!.id));
  }
  const groups = new Map<number, ImageId[]>();
  for (const p of pairs) {
    for (const id of [p.a, p.b]) {
      const root = find(id);
      const g = groups.get(root) ?? [];
      if (!g.includes(id)) g.push(id);
      groups.set(root, g);
    }
  }
  pairs.sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b);
  return { threshold, pairs, groups: [...groups.values()].map((g) => g.sort((a, b) => a - b)) };
}

/** Where the features of an image come from (the project cache, or synthetic grids in the bench). */
export interface GridSource {
  grid(imageId: ImageId): { features: DenseGrid; mapping: PixelPatchMapping } | undefined;
}

export interface RegionHit {
  readonly imageId: ImageId;
  /** Best cell cosine with the query. */
  readonly score: number;
  /** The region around the best cell, [x, y, w, h] in image pixels. */
  readonly bbox: [number, number, number, number];
  /** The region's best grid cell (row-major), where "Label these" grows its proposal from. */
  readonly cell: number;
  /** Cosine per grid cell, clamped to [0, 1] × 255, row-major. */
  readonly heatmap: { gridW: number; gridH: number; data: Uint8Array };
}

export interface ObjectSearchOptions {
  readonly topK?: number;
  readonly excludeImageId?: ImageId;
  /** How many images the coarse stage passes on to exact scoring; default max(3·topK, 30). */
  readonly candidates?: number;
  /** Hits below this cosine are left out (default: none). */
  readonly minScore?: number;
  /** Distinct regions (separate areas of the similarity map) one image may give (default 1). */
  readonly maxPerImage?: number;
}

/**
 * Object-level search: the coarse index picks candidate images, then each candidate's full grid is
 * scored exactly (cosine per patch) and the region around its best patch is returned with the heat map.
 */
export function searchObjects(
  index: PatchIndex,
  source: GridSource,
  query: Float32Array,
  opts: ObjectSearchOptions = {},
): RegionHit[] {
  const topK = Math.max(1, opts.topK ?? 10);
  const n = opts.candidates ?? Math.max(3 * topK, 30);
  const minScore = opts.minScore ?? -Infinity;
  const hits: RegionHit[] = [];
  for (const c of index.candidates(query, n, opts.excludeImageId)) {
    const g = source.grid(asImageId(c.imageId));
    if (!g) continue;
    const regions = regionHits(asImageId(c.imageId), g.features, g.mapping, query, opts.maxPerImage ?? 1);
    hits.push(...regions.filter((h) => h.score >= minScore));
  }
  return hits.sort((a, b) => b.score - a.score || a.imageId - b.imageId || a.cell - b.cell).slice(0, topK);
}

export function regionHit(
  imageId: ImageId,
  grid: DenseGrid,
  mapping: PixelPatchMapping,
  query: Float32Array,
): RegionHit {
  return regionHits(imageId, grid, mapping, query, 1)[0]!;
}

/**
 * The image's regions like the query, best first: the connected areas of cells at least halfway from
 * the image's mean cosine to its best one, each scored by its best cell. Always at least one.
 */
export function regionHits(
  imageId: ImageId,
  grid: DenseGrid,
  mapping: PixelPatchMapping,
  query: Float32Array,
  maxRegions: number,
): RegionHit[] {
  const cos = cosineMaps(grid, [query])[0]!;
  const { gridW, gridH } = grid;
  let best = 0;
  let mean = 0;
  for (let i = 0; i < cos.length; i++) {
    mean += cos[i]! / cos.length;
    if (cos[i]! > cos[best]!) best = i;
  }
  const cut = regionCut(cos[best]!, mean);
  const mask = new Uint8Array(cos.length);
  for (let i = 0; i < cos.length; i++) mask[i] = cos[i]! >= cut ? 1 : 0;
  const cc = connectedComponents(mask, gridW, gridH, 4);
  // Each component's best cell; the component of the image's best cell comes first.
  const peaks = new Map<number, number>();
  for (let i = 0; i < cos.length; i++) {
    if (mask[i] !== 1) continue;
    const l = cc.labels[i]!;
    const at = peaks.get(l);
    if (at === undefined || cos[i]! > cos[at]!) peaks.set(l, i);
  }
  const sx = mapping.imageWidthPx / gridW;
  const sy = mapping.imageHeightPx / gridH;
  const heat = new Uint8Array(cos.length);
  for (let i = 0; i < cos.length; i++) heat[i] = Math.round(Math.min(1, Math.max(0, cos[i]!)) * 255);
  const heatmap = { gridW, gridH, data: heat };
  return [...peaks.entries()]
    .sort(([, a], [, b]) => cos[b]! - cos[a]! || a - b)
    .slice(0, Math.max(1, maxRegions))
    .map(([l, cell]) => {
      const x0 = Math.floor(cc.minX[l]! * sx);
      const y0 = Math.floor(cc.minY[l]! * sy);
      const x1 = Math.min(mapping.imageWidthPx, Math.ceil((cc.maxX[l]! + 1) * sx));
      const y1 = Math.min(mapping.imageHeightPx, Math.ceil((cc.maxY[l]! + 1) * sy));
      return {
        imageId,
        score: round4(cos[cell]!),
        bbox: [x0, y0, x1 - x0, y1 - y0] as [number, number, number, number],
        cell,
        heatmap,
      };
    });
}

/** The cosine above which cells belong to a hit's region: halfway between the image's mean and its best. */
function regionCut(best: number, mean: number): number {
  return (best + mean) / 2;
}

const LABEL_CUT_FRACTION = 0.3;

/**
 * "Label these": each hit's region as a pixel mask (the component of the thresholded, upsampled
 * similarity map under the best cell), stored as proposals (source 'propagated') for review. Returns
 * how many proposals were new.
 */
export async function hitsToProposals(
  project: Project,
  spec: EmbeddingSpec,
  query: Float32Array,
  hits: readonly RegionHit[],
  labelId: LabelId,
): Promise<number> {
  const found: NewProposal[] = [];
  for (const hit of hits) {
    const e = cachedEmbedding(project, hit.imageId, spec);
    if (!e) continue;
    const cos = cosineMaps(e.features, [query])[0]!;
    let mean = 0;
    for (let i = 0; i < cos.length; i++) mean += cos[i]! / cos.length;
    // Grown from the hit's own best cell: one image may hold several distinct hits.
    const best = hit.cell;
    // Tighter than the display region: a proposal should hold only cells nearly as similar as the best.
    const cut = cos[best]! - LABEL_CUT_FRACTION * (cos[best]! - mean);
    const prob = cos.map((c) => 1 / (1 + Math.exp(-30 * (c - cut))));
    const { gridW, gridH } = e.features;
    const { imageWidthPx: w, imageHeightPx: h } = e.mapping;
    const guide = await guideImage(project, hit.imageId, e.mapping);
    const up = upsampleProbability(prob, gridW, gridH, e.mapping, {
      thresholdProb: 0.5,
      ...(guide ? { guide } : {}),
    });
    const instances = maskToInstances(up.mask, up.prob, w, h, String(labelId), 1);
    const bx = Math.min(w - 1, Math.floor((((best % gridW) + 0.5) * w) / gridW));
    const by = Math.min(h - 1, Math.floor(((Math.floor(best / gridW) + 0.5) * h) / gridH));
    const inst = instances.find((i) => i.mask[by * w + bx] === 1) ?? instances[0];
    if (!inst) continue;
    found.push({
      imageId: hit.imageId,
      labelId,
      source: 'propagated',
      geometry: { kind: 'mask', rle: encodeMask(inst.mask, w, h) },
      score: Math.min(1, Math.max(0, hit.score)),
      areaPx: inst.areaPx,
    });
  }
  return project.proposals.propose(found);
}

/** The mask-pooled query of one annotation, on its image's cached features. */
export function annotationQuery(
  project: Project,
  spec: EmbeddingSpec,
  annotationId: AnnotationId,
): { imageId: ImageId; vector: Float32Array } {
  const shape = project.annotations.findShape(annotationId);
  if (!shape) throw new NotFoundError(`annotation ${annotationId} does not exist in this project`);
  const { imageId } = shape;
  const e = cachedEmbedding(project, imageId, spec);
  if (!e)
    throw new NotFoundError(
      `image ${imageId} has no cached embedding for model "${spec.modelId}": precompute it first`,
    );
  const { imageWidthPx: w, imageHeightPx: h } = e.mapping;
  const mask = annotationMask(shape.geometry, w, h);
  const vector = maskPooledFeature(
    e.features,
    maskCellCoverage(mask, e.mapping, e.features.gridW, e.features.gridH),
  );
  if (!vector) throw new Error(`annotation ${annotationId} covers no pixels`);
  return { imageId, vector };
}

/** The project cache as a grid source for `searchObjects`. */
export function projectGridSource(project: Project, spec: EmbeddingSpec): GridSource {
  return { grid: (imageId) => cachedEmbedding(project, imageId, spec) };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
