import { prioritizedEngine } from '../jobs/prioritized-engine';
import { type ItemProcessor, type JobHandler } from '../jobs/job-types';
import { type InferenceEngine } from '../inference';
import { embeddingKey, ensureEmbedding, specOf } from './embeddings';
import { storeDescriptor } from './object-index';

/**
 * The 'embed' job: one encoder pass per uncached image, stored in the project cache. It stops (the rest
 * skipped, the job done with a note) before its own writes would exceed the cache budget, since
 * evicting this job's earlier images to make room for later ones would only churn.
 */
export function precomputeHandler(engine: InferenceEngine): JobHandler<'embed'> {
  return {
    kind: 'embed',
    start(params, ctx): Promise<ItemProcessor> {
      const spec = specOf(params);
      const batchEngine = prioritizedEngine(engine, ctx.scheduler, 'batch', ctx.signal);
      const cache = ctx.project.embeddings;
      let writtenBytes = 0;
      let lastBytes = 0;
      let computed = 0;
      return Promise.resolve({
        async process(imageId) {
          if (cache.has(embeddingKey(imageId, spec))) return { kind: 'done' };
          if (lastBytes > 0 && writtenBytes + lastBytes > cache.budgetBytes) {
            return {
              kind: 'stop',
              reason: `the embedding cache budget (${cache.budgetBytes} bytes) is full after ${computed} new embeddings; raise it in settings to cache more`,
            };
          }
          const r = await ensureEmbedding(ctx.project, batchEngine, imageId, spec);
          if (r.computed) {
            storeDescriptor(ctx.project, spec, imageId, r.embedding.features);
            computed++;
            writtenBytes += r.bytes;
            lastBytes = r.bytes;
          }
          return { kind: 'done' };
        },
      });
    },
  };
}
