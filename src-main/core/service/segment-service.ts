import { type HeatMap, type MethodOutput, type MethodParsedInput } from '@contract';
import { type Heatmap, segmentEmbeddedImage } from '../segment';
import { type InferenceService } from './inference-service';

type Output<M extends 'segmentText' | 'segmentClick'> = MethodOutput<'inference', M>;
type Input<M extends 'segmentText' | 'segmentClick'> = MethodParsedInput<'inference', M>;

/** Text prompts and clicks on the open project's images, on their cached embeddings. */
export class SegmentService {
  constructor(private readonly inference: InferenceService) {}

  async segmentText(input: Input<'segmentText'>): Promise<Output<'segmentText'>> {
    const result = await segmentEmbeddedImage(
      this.inference.engine(),
      await this.inference.embeddedImage(input.imageId),
      { kind: 'text', prompts: input.prompts },
      {
        refine: input.refine,
        ...(input.threshold === undefined ? {} : { thresholdProb: input.threshold }),
        ...(input.minAreaPx === undefined ? {} : { minAreaPx: input.minAreaPx }),
      },
    );
    return { heatMap: combineHeatmaps(result.heatmaps ?? []), instances: result.instances };
  }

  async segmentClick(input: Input<'segmentClick'>): Promise<Output<'segmentClick'>> {
    const [bx, by, bw, bh] = input.box ?? [0, 0, 0, 0];
    const result = await segmentEmbeddedImage(
      this.inference.engine(),
      await this.inference.embeddedImage(input.imageId),
      {
        kind: 'prompt',
        clicks: input.clicks.map((c) => ({ xPx: c.x, yPx: c.y, positive: c.positive })),
        ...(input.box ? { box: { x: bx, y: by, widthPx: bw, heightPx: bh } } : {}),
      },
      {
        refine: input.refine,
        ...(input.threshold === undefined ? {} : { thresholdProb: input.threshold }),
      },
    );
    if (result.method === 'text') throw new Error('a click request came back as a text segmentation');
    return { method: result.method, instances: result.instances };
  }
}

/** One overlay for all prompts: the per-cell maximum, at grid resolution (the renderer stretches it). */
export function combineHeatmaps(heatmaps: readonly Heatmap[]): HeatMap {
  const first = heatmaps[0];
  if (!first) return { widthPx: 1, heightPx: 1, dataBase64: Buffer.from([0]).toString('base64') };
  const out = new Uint8Array(first.data);
  for (const h of heatmaps.slice(1)) {
    for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i] ?? 0, h.data[i] ?? 0);
  }
  return { widthPx: first.gridW, heightPx: first.gridH, dataBase64: Buffer.from(out).toString('base64') };
}
