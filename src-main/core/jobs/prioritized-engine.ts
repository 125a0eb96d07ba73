import { type InferenceEngine } from '../inference';
import { type PriorityScheduler } from './priority-scheduler';

export type InferencePriority = 'interactive' | 'batch';

/**
 * The same engine, with every worker call routed through the scheduler at one priority. The service
 * hands the 'interactive' view to click/prompt handlers and the 'batch' view to jobs. A Proxy, so that
 * methods the engine gains later pass straight through.
 */
export function prioritizedEngine(
  engine: InferenceEngine,
  scheduler: PriorityScheduler,
  priority: InferencePriority,
  signal?: AbortSignal,
): InferenceEngine {
  const gate = <T>(fn: () => Promise<T>): Promise<T> => {
    switch (priority) {
      case 'interactive':
        return scheduler.interactive(fn);
      case 'batch':
        return scheduler.batch(fn, signal);
    }
  };
  const overrides: Partial<InferenceEngine> = {
    embedImageFile: (imagePath, modelId, opts) =>
      gate(() => engine.embedImageFile(imagePath, modelId, { ...opts, ...(signal ? { signal } : {}) })),
    encodeImageFile: (imagePath, modelId, opts) =>
      gate(() => engine.encodeImageFile(imagePath, modelId, { ...opts, ...(signal ? { signal } : {}) })),
    embedTexts: (modelId, texts) => gate(() => engine.embedTexts(modelId, texts)),
    runMaskDecoder: (modelId, feeds, stage) => gate(() => engine.runMaskDecoder(modelId, feeds, stage)),
  };
  return new Proxy(engine, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop as keyof InferenceEngine];
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
