import { type ImageId } from '@contract';
import {
  fromStored,
  imageTextVector,
  OutOfVocabularyError,
  scoreTags,
  type InferenceEngine,
  type TagScore,
} from '../inference';
import { type Project } from '../project';
import { cachedImageIds, cachedSummaries, embeddingKey, type EmbeddingSpec } from './embeddings';

export interface ImageTags {
  readonly imageId: ImageId;
  /** Best first. */
  readonly tags: TagScore[];
}

export interface ProjectTags {
  readonly labels: string[];
  /** Label names the model cannot embed (e.g. words outside the starter vocabulary). */
  readonly skipped: { label: string; reason: string }[];
  readonly images: ImageTags[];
}

/**
 * Zero-shot tags for every cached image: the image's text-space vector (text_summary, else the mean of
 * its text_dense patches) against the label names' text embeddings, scored by the inference engine's
 * `scoreTags`. Label names default to the project's labels.
 */
export async function projectTags(
  project: Project,
  engine: InferenceEngine,
  spec: EmbeddingSpec,
  labelNames: readonly string[] = project.labels.list().map((l) => l.name),
): Promise<ProjectTags> {
  const manifest = await engine.getManifest(spec.modelId);
  if (!manifest.text) throw new Error(`model "${spec.modelId}" has no text tower, so it cannot tag images`);
  const labels: string[] = [];
  const vectors: Float32Array[] = [];
  const skipped: { label: string; reason: string }[] = [];
  for (const name of labelNames) {
    try {
      const [v] = await engine.embedTexts(spec.modelId, [name]);
      if (!v) continue;
      labels.push(name);
      vectors.push(v);
    } catch (e) {
      if (!(e instanceof OutOfVocabularyError)) throw e;
      skipped.push({ label: name, reason: e.message });
    }
  }
  const images: ImageTags[] = [];
  if (labels.length === 0) return { labels, skipped, images };
  const dim = manifest.text.dim;
  const summaries = new Map<number, Float32Array>();
  for (const s of cachedSummaries(project, spec, 'text_summary')) summaries.set(s.imageId, s.vector);
  for (const imageId of cachedImageIds(project, spec)) {
    let v = summaries.get(imageId);
    if (!v || v.length !== dim) {
      const stored = project.embeddings.get(embeddingKey(imageId, spec));
      if (!stored) continue;
      v = imageTextVector(fromStored(spec.modelId, stored), dim);
    }
    images.push({ imageId, tags: scoreTags(v, labels, vectors) });
  }
  return { labels, skipped, images };
}

/** The image filter: ids whose tag `label` has at least `minProbability` (softmax over the labels). */
export function imagesWithTag(tags: ProjectTags, label: string, minProbability = 0.5): ImageId[] {
  const key = label.toLowerCase();
  return tags.images
    .filter((i) => i.tags.some((t) => t.label.toLowerCase() === key && t.probability >= minProbability))
    .map((i) => i.imageId);
}
