import { asLabelId, type ImageId } from '@contract';
import { InvalidInputError } from '../db/errors';
import { OutOfVocabularyError, type InferenceEngine } from '../inference';
import { prioritizedEngine } from '../jobs/prioritized-engine';
import { type ItemProcessor, type JobHandler } from '../jobs/job-types';
import { l2Normalize } from '../segment/grid-ops';
import { encodeMask } from '../segment/rle';
import { segmentText, type TextPrompt } from '../segment/text-prompt';
import { ensureEmbedding, guideImage, specOf } from './embeddings';
import { type NewProposal } from '../db/proposals-repo';

/**
 * The 'auto_label' job: the text-prompt pipeline of core/segment over every selected image, its
 * instances stored as proposals (source 'text') and the image set to 'review' — all in the transaction
 * that marks the image done, so a crash can neither lose nor repeat an image's proposals.
 */
export function autoLabelHandler(engine: InferenceEngine): JobHandler<'auto_label'> {
  return {
    kind: 'auto_label',
    async start(params, ctx): Promise<ItemProcessor> {
      const p = {
        ...params,
        minScore: params.minScore ?? 0.5,
        background: params.background === undefined ? 'background' : params.background,
        refine: params.refine ?? true,
      };
      p.prompts.forEach((q, i) => {
        if (!ctx.project.labels.exists(q.labelId)) {
          throw new InvalidInputError(
            `params.prompts.${i}.labelId`,
            `label ${q.labelId} does not exist in this project`,
          );
        }
      });
      const batchEngine = prioritizedEngine(engine, ctx.scheduler, 'batch', ctx.signal);
      const labelName = (id: number) => ctx.project.labels.get(asLabelId(id)).name;
      const { prompts, skipped } = await labelQueries(batchEngine, p.modelId, p.prompts, labelName);
      for (const s of skipped) ctx.warn(s);
      if (prompts.length === 0) {
        throw new InvalidInputError(
          'params.prompts',
          `model "${p.modelId}" can use none of the labels' prompts: ${skipped.join('; ')}`,
        );
      }
      const background =
        p.background === null ? undefined : await optionalText(batchEngine, p.modelId, p.background);
      const proposals = ctx.project.proposals;
      const spec = specOf(p);
      return {
        async process(imageId: ImageId) {
          const { embedding } = await ensureEmbedding(ctx.project, batchEngine, imageId, spec);
          if (!embedding.textDense) {
            throw new Error(
              `model "${p.modelId}" has no text_dense output, so it cannot auto-label from text`,
            );
          }
          const image = p.refine ? await guideImage(ctx.project, imageId, embedding.mapping) : undefined;
          await ctx.scheduler.yieldToInteractive(ctx.signal);
          const seg = segmentText(
            {
              textDense: embedding.textDense,
              mapping: embedding.mapping,
              prompts,
              ...(background ? { background } : {}),
              ...(image ? { image } : {}),
            },
            {
              ...(p.thresholdProb === undefined ? {} : { thresholdProb: p.thresholdProb }),
              ...(p.minAreaPx === undefined ? {} : { minAreaPx: p.minAreaPx }),
              refine: p.refine,
            },
          );
          const found: NewProposal[] = seg.instances
            .filter((inst) => inst.score >= p.minScore)
            .map((inst) => ({
              imageId,
              labelId: asLabelId(Number(inst.label)),
              source: 'text',
              geometry: { kind: 'mask', rle: encodeMask(inst.mask, seg.widthPx, seg.heightPx) },
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

/**
 * One query per label: its prompts' embeddings averaged and re-normalised; `label` carries the label id.
 * A prompt the model cannot embed (a word outside a closed vocabulary) is left out with a warning; a label
 * left with no prompt is skipped, and the others go on.
 */
async function labelQueries(
  engine: InferenceEngine,
  modelId: string,
  prompts: readonly { labelId: number; texts: readonly string[] }[],
  labelName: (labelId: number) => string,
): Promise<{ prompts: TextPrompt[]; skipped: string[] }> {
  const out: TextPrompt[] = [];
  const skipped: string[] = [];
  for (const q of prompts) {
    const vectors: Float32Array[] = [];
    const unusable: string[] = [];
    for (const text of q.texts) {
      try {
        vectors.push(...(await engine.embedTexts(modelId, [text])));
      } catch (e) {
        if (!(e instanceof OutOfVocabularyError)) throw e;
        unusable.push(e.message);
      }
    }
    const first = vectors[0];
    const name = labelName(q.labelId);
    if (unusable.length > 0) {
      skipped.push(
        first
          ? `label "${name}": some of its prompts were left out: ${unusable.join('; ')}`
          : `label "${name}" skipped: ${unusable.join('; ')}`,
      );
    }
    if (!first) continue;
    const sum = new Float32Array(first.length);
    for (const v of vectors) for (let d = 0; d < sum.length; d++) sum[d]! += v[d] ?? 0;
    out.push({ label: String(q.labelId), embedding: l2Normalize(sum) });
  }
  return { prompts: out, skipped };
}

async function optionalText(
  engine: InferenceEngine,
  modelId: string,
  text: string,
): Promise<Float32Array | undefined> {
  try {
    const [v] = await engine.embedTexts(modelId, [text]);
    return v;
  } catch (e) {
    if (e instanceof OutOfVocabularyError) return undefined;
    throw e;
  }
}
