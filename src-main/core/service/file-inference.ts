import { statSync } from 'node:fs';
import path from 'node:path';
import { type MethodOutput, type MethodParsedInput } from '@contract';
import { AppError } from '../errors';
import { tagImage } from '../inference';
import { gridShape } from '../inference/embedding-codec';
import { writeNpz, type NpyArray } from '../inference/npz';
import { segmentImageFile, type SegmentRequest } from '../segment';
import { type InferenceService } from './inference-service';

type FileMethod = 'segmentFile' | 'tagFile' | 'featuresFile';
type Input<M extends FileMethod> = MethodParsedInput<'inference', M>;
type Output<M extends FileMethod> = MethodOutput<'inference', M>;

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
    return {
      width: res.width,
      height: res.height,
      model: res.model,
      method: res.method,
      instances: res.instances,
    };
  }

  /** The encoder outputs as a NumPy .npz, one float32 array per manifest output, graph shapes kept. */
  async features(input: Input<'featuresFile'>): Promise<Output<'featuresFile'>> {
    assertImageFile(input.path);
    const folder = path.dirname(input.out);
    if (!isDirectory(folder)) {
      throw new AppError('invalid_input', `the folder for ${input.out} does not exist: ${folder}`, {
        field: 'out',
      });
    }
    await this.inference.requireModel(input.modelId);
    const run = await this.inference.engine().encodeImageFile(input.path, input.modelId);
    const { mapping, manifest } = run;
    const arrays: (NpyArray & { grid?: [number, number] })[] = [];
    for (const [name, t] of Object.entries(run.outputs)) {
      const spec = manifest.encoder.outputs[name as keyof typeof manifest.encoder.outputs];
      const grid =
        spec && 'layout' in spec
          ? gridShape(t.dims, spec.layout, mapping, `model "${manifest.id}" encoder.outputs.${name}`)
          : undefined;
      arrays.push({
        name,
        shape: t.dims,
        data: t.data,
        ...(grid ? { grid: [grid.gridH, grid.gridW] as [number, number] } : {}),
      });
    }
    try {
      await writeNpz(input.out, arrays);
    } catch (e) {
      throw new AppError('io_error', `cannot write ${input.out}: ${(e as Error).message}`, { field: 'out' });
    }
    return {
      image: input.path,
      model: manifest.id,
      out: input.out,
      input: { widthPx: mapping.inputWidthPx, heightPx: mapping.inputHeightPx },
      patchSizePx: mapping.patchPx,
      arrays: arrays.map((a) => ({
        name: a.name,
        dtype: 'float32' as const,
        shape: [...a.shape],
        ...(a.grid ? { grid: a.grid } : {}),
      })),
    };
  }

  async tag(input: Input<'tagFile'>): Promise<Output<'tagFile'>> {
    assertImageFile(input.path);
    const modelId = input.modelId ?? this.inference.modelId();
    await this.inference.requireModel(modelId);
    const tags = await tagImage(this.inference.engine(), input.path, modelId, input.labels);
    return { image: input.path, model: modelId, provider: this.inference.providerStatus(), tags };
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
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
