import { z } from 'zod';
import { AppError } from '../errors';

/**
 * What the installer reads from a RADIO checkpoint's `config.json` (RADIOConfig, radio/hf_model.py) before
 * downloading the weights: the adaptors the file carries and, per teacher, the model its text tower comes
 * from. NVIDIA's push script nulls `adaptor_names` but keeps `adaptor_configs` (hf_hub.py), so both count.
 * The converter reads the config on its own; this only decides which companion repositories to fetch.
 */

const configSchema = z.looseObject({
  adaptor_names: z.union([z.array(z.string()), z.string()]).nullish(),
  adaptor_configs: z.record(z.string(), z.unknown()).nullish(),
  args: z
    .looseObject({
      teachers: z.array(z.looseObject({ name: z.string(), model: z.unknown().optional() })).nullish(),
    })
    .nullish(),
});

const featureOutputDim = z.object({ feature: z.object({ output_dim: z.number().int().positive() }) });

export interface CheckpointAdaptors {
  /** Adaptor names the checkpoint carries (empty when the config does not say). */
  readonly names: readonly string[];
  /** Adaptor name → width of its per-patch head (`adaptor_configs[name].feature.output_dim`, hf_hub.py). */
  readonly featureDims: ReadonlyMap<string, number>;
  /** Teacher name → its `model` string (e.g. "siglip2-g-384"), where the config gives one. */
  readonly teacherModels: ReadonlyMap<string, string>;
}

export class CheckpointConfigError extends AppError {
  override readonly name = 'CheckpointConfigError';
  constructor(message: string) {
    super('model_error', message);
  }
}

export function readCheckpointAdaptors(configJson: Buffer, label: string): CheckpointAdaptors {
  let json: unknown;
  try {
    json = JSON.parse(configJson.toString('utf8'));
  } catch {
    throw new CheckpointConfigError(`${label}/config.json is not valid JSON.`);
  }
  const r = configSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new CheckpointConfigError(
      `${label}/config.json: ${issue?.path.join('.') ?? '(root)'}: ${issue?.message ?? 'not a RADIO config'}.`,
    );
  }
  const names = new Set<string>(Object.keys(r.data.adaptor_configs ?? {}));
  const listed = r.data.adaptor_names;
  for (const n of typeof listed === 'string' ? [listed] : (listed ?? [])) names.add(n);
  const featureDims = new Map<string, number>();
  for (const [name, cfg] of Object.entries(r.data.adaptor_configs ?? {})) {
    const dim = featureOutputDim.safeParse(cfg);
    if (dim.success) featureDims.set(name, dim.data.feature.output_dim);
  }
  const teacherModels = new Map<string, string>();
  for (const t of r.data.args?.teachers ?? []) {
    if (typeof t.model === 'string') teacherModels.set(t.name, t.model);
  }
  return { names: [...names], featureDims, teacherModels };
}

/**
 * The checkpoint's own name for an adaptor the catalogue calls `wanted`: the same name, else the one name
 * of the same family ("siglip2-g" ↔ "siglip2", as RADSeg loads C-RADIOv3-B). Undefined when the checkpoint
 * lists adaptors and none fits; `wanted` when it lists none.
 */
export function resolveAdaptorName(wanted: string, available: readonly string[]): string | undefined {
  if (available.length === 0 || available.includes(wanted)) return wanted;
  const family = (n: string): string => n.split('-')[0] ?? n;
  const same = available.filter((a) => family(a) === family(wanted));
  return same.length === 1 ? same[0] : undefined;
}
