import type { EngineImageEmbedding } from './embedding-codec';
import type { EmbedImageOptions, InferenceEngine } from './engine';

export interface TagScore {
  readonly label: string;
  /** Cosine similarity between the image and the label in the text space. */
  readonly score: number;
  /** softmax(100·cos) over the given labels (the RADSeg/RayFronts convention). */
  readonly probability: number;
}

/**
 * The image's vector in the text space: the encoder's text_summary when the bundle has one, else the
 * mean of the L2-normalised text_dense patches.
 */
export function imageTextVector(e: EngineImageEmbedding, textDim: number): Float32Array {
  if (e.textSummary && e.textSummary.length === textDim) return e.textSummary;
  const grid = e.textDense;
  if (grid && grid.dims === textDim) {
    const out = new Float32Array(textDim);
    const n = grid.gridH * grid.gridW;
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let d = 0; d < textDim; d++) norm += (grid.data[i * textDim + d] ?? 0) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < textDim; d++) out[d] = (out[d] ?? 0) + (grid.data[i * textDim + d] ?? 0) / norm / n;
    }
    return out;
  }
  throw new Error(
    `model "${e.modelId}" has neither encoder.outputs.text_summary nor text_dense of the text dim ${textDim}, so it cannot tag images`,
  );
}

/** Scores labels against one image embedding and text embeddings (L2-normalised), best first. */
export function scoreTags(
  imageVector: Float32Array,
  labels: readonly string[],
  labelEmbeddings: readonly Float32Array[],
): TagScore[] {
  let norm = 0;
  for (const x of imageVector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  const cos = labelEmbeddings.map((t) => {
    let dot = 0;
    for (let d = 0; d < t.length; d++) dot += (t[d] ?? 0) * (imageVector[d] ?? 0);
    return dot / norm;
  });
  const maxLogit = Math.max(...cos.map((c) => 100 * c));
  const exps = cos.map((c) => Math.exp(100 * c - maxLogit));
  const total = exps.reduce((a, b) => a + b, 0);
  return labels
    .map((label, i) => ({ label, score: cos[i] ?? 0, probability: (exps[i] ?? 0) / total }))
    .sort((a, b) => b.score - a.score);
}

/** Zero-shot tags: per-label scores for one image file, best first. */
export async function tagImage(
  engine: InferenceEngine,
  imagePath: string,
  modelId: string,
  labels: readonly string[],
  opts: EmbedImageOptions = {},
): Promise<TagScore[]> {
  if (labels.length === 0) throw new Error('tagImage: give at least one label');
  const manifest = await engine.getManifest(modelId);
  if (!manifest.text) throw new Error(`model "${modelId}" has no text tower, so it cannot tag images`);
  const [embedding, texts] = await Promise.all([
    engine.embedImageFile(imagePath, modelId, opts),
    engine.embedTexts(modelId, labels),
  ]);
  return scoreTags(imageTextVector(embedding, manifest.text.dim), labels, texts);
}
