import { statSync } from 'node:fs';
import { type MethodOutput, type MethodParsedInput } from '@contract';
import { AppError } from '../errors';
import { tagImage } from '../inference';
import { segmentImageFile, type SegmentRequest } from '../segment';
import { type InferenceService } from './inference-service';

type Input<M extends 'segmentFile' | 'tagFile'> = MethodParsedInput<'inference', M>;
type Output<M extends 'segmentFile' | 'tagFile'> = MethodOutput<'inference', M>;

/** Image files outside any project (the CLI's `segment` and `tag`): nothing is cached. */
export class FileInference {
  constructor(private readonly inference: InferenceService) {}

  async segment(input: Input<'segmentFile'>): Promise<Output<'segmentFile'>> {
    assertImageFile(input.path);
    await this.inference.requireModel(input.modelId);
    const request: SegmentRequest =
      input.texts.length > 0
        ? { kind: 'text', prompts: input.texts }
        : {
            kind: 'prompt',
            clicks: input.clicks.map((c) => ({ xPx: c.x, yPx: c.y, positive: c.positive })),
            ...(input.box
              ? { box: { x: input.box[0], y: input.box[1], widthPx: input.box[2], heightPx: input.box[3] } }
              : {}),
          };
    const res = await segmentImageFile(this.inference.engine(), input.path, input.modelId, request, {
      ...(input.threshold === undefined ? {} : { thresholdProb: input.threshold }),
      ...(input.minAreaPx === undefined ? {} : { minAreaPx: input.minAreaPx }),
      ...(input.tolerancePx === undefined ? {} : { tolerancePx: input.tolerancePx }),
      refine: input.refine,
    });
    return { width: res.width, height: res.height, model: res.model, instances: res.instances };
  }

  async tag(input: Input<'tagFile'>): Promise<Output<'tagFile'>> {
    assertImageFile(input.path);
    const modelId = input.modelId ?? this.inference.modelId();
    await this.inference.requireModel(modelId);
    const tags = await tagImage(this.inference.engine(), input.path, modelId, input.labels);
    return { image: input.path, model: modelId, provider: this.inference.providerStatus(), tags };
  }
}

function assertImageFile(file: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    // absent: reported below
  }
  if (!isFile) throw new AppError('invalid_input', `image not found: ${file}`, { field: 'path' });
}
