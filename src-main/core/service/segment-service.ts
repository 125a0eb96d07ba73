import { type MethodOutput, type MethodParsedInput } from '../../../src-preload/contract/spec';
import { AppError } from '../errors';
import { type InferenceService } from './inference-service';

/** Text prompts and clicks on the open project's images, on their cached embeddings. */
export class SegmentService {
  constructor(private readonly inference: InferenceService) {}

  segmentText(_input: MethodParsedInput<'inference', 'segmentText'>): Promise<MethodOutput<'inference', 'segmentText'>> {
    void this.inference;
    return Promise.reject(new AppError('unavailable', 'text prompts are not wired yet'));
  }

  segmentClick(_input: MethodParsedInput<'inference', 'segmentClick'>): Promise<MethodOutput<'inference', 'segmentClick'>> {
    return Promise.reject(new AppError('unavailable', 'click segmentation is not wired yet'));
  }
}
