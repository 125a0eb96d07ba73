import { type Checkpoint, CheckpointError } from './checkpoint';
import type { RadioConfig } from './radio-config';

/**
 * RADIO's adaptor heads in a HF checkpoint: `radio_model.adaptors.<name>.{head_mlp,feat_mlp}.*`, found
 * from the weights (hf_hub.py pushes with adaptor_names = None) and checked against adaptor_configs.
 */

/** The HF wrapper's prefix: `RADIOModel.radio_model` holds the torch.hub RADIOModel. */
export const P = 'radio_model.';

export interface MlpSpec {
  readonly version: 'v1' | 'v2';
  /** Tensor name prefix, e.g. `radio_model.adaptors.siglip2.head_mlp.` */
  readonly prefix: string;
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly outputDim: number;
  readonly numInner: number;
  /** MLP2 feature heads (FeatSharp): output is `(u1 u2 c)` per token, rearranged to a u×-denser grid. */
  readonly upsampleFactor: number;
}

export interface AdaptorSpec {
  readonly name: string;
  /** Which class token feeds `head_mlp` (adaptor_configs.head_idx, else hf_hub.py's token_slot rule). */
  readonly tokenIndex: number;
  readonly head: MlpSpec;
  readonly feat: MlpSpec;
}

export function inspectAdaptors(
  config: RadioConfig,
  ckpt: Checkpoint,
  configFile: string,
  embedDim: number,
  prefixTokens: number,
  notes: string[],
): Map<string, AdaptorSpec> {
  const args = config.args;
  // hf_hub.py pushes with adaptor_names = None, so the weights and adaptor_configs are the evidence.
  const names = new Set<string>();
  for (const name of ckpt.names) {
    const m = /^radio_model\.adaptors\.([^.]+)\.(head_mlp|feat_mlp)\./.exec(name);
    if (m) names.add(m[1]!);
  }
  const listed =
    config.adaptor_names == null
      ? []
      : typeof config.adaptor_names === 'string'
        ? [config.adaptor_names]
        : config.adaptor_names;
  for (const n of [...listed, ...Object.keys(config.adaptor_configs ?? {})]) {
    if (!names.has(n)) {
      throw new CheckpointError(
        ckpt.label,
        `config names adaptor "${n}", but there are no "${P}adaptors.${n}.*" tensors`,
      );
    }
  }
  const summaryVersion = args.mlp_version ?? 'v2';
  const featureVersion = args.spatial_mlp_version ?? summaryVersion;
  const out = new Map<string, AdaptorSpec>();
  for (const name of [...names].sort()) {
    const cfg = config.adaptor_configs?.[name];
    const teacherIdx = args.teachers.findIndex((t) => t.name === name);
    const teacher = args.teachers[teacherIdx];
    // hf_hub.py: head_idx = token_slot (default: teacher index) with per-teacher class tokens, else 0.
    const tokenIndex =
      cfg?.head_idx ??
      ((args.cls_token_per_teacher ?? true)
        ? (teacher?.token_slot ?? (teacherIdx >= 0 ? teacherIdx : undefined))
        : 0);
    if (tokenIndex === undefined) {
      throw new CheckpointError(
        configFile,
        `adaptor "${name}": no adaptor_configs.${name}.head_idx and no teacher of that name in args.teachers`,
      );
    }
    if (tokenIndex >= prefixTokens) {
      throw new CheckpointError(
        configFile,
        `adaptor "${name}": head_idx ${tokenIndex} is outside the ${prefixTokens} prefix tokens`,
      );
    }
    const upsample = cfg?.feature.upsample_factor ?? teacher?.fd_upsample_factor ?? 1;
    const head = inspectMlp(ckpt, `${P}adaptors.${name}.head_mlp.`, summaryVersion, 1, embedDim, configFile);
    const feat = inspectMlp(
      ckpt,
      `${P}adaptors.${name}.feat_mlp.`,
      featureVersion,
      upsample,
      embedDim,
      configFile,
    );
    for (const m of [head, feat]) {
      // Both official loaders build MLP2 with pre_norm=False (adaptor_module_factory.py), so the HF
      // model ignores such weights; so do we.
      if (ckpt.has(`${m.prefix}pre_norm.0.weight`)) {
        notes.push(`"${m.prefix}pre_norm.*" ignored: RADIO builds its MLP2 heads without pre_norm`);
      }
    }
    if (cfg) {
      for (const [part, mlp, shape] of [
        ['summary', head, cfg.summary],
        ['feature', feat, cfg.feature],
      ] as const) {
        const got = [mlp.inputDim, mlp.hiddenDim, mlp.outputDim, mlp.numInner];
        const want = [shape.input_dim, shape.hidden_dim, shape.output_dim, shape.num_inner];
        if (got.join() !== want.join()) {
          throw new CheckpointError(
            configFile,
            `adaptor_configs.${name}.${part}: config says in/hidden/out/inner ${want.join('/')}, the weights have ${got.join('/')}`,
          );
        }
      }
    }
    out.set(name, { name, tokenIndex, head, feat });
  }
  return out;
}

function inspectMlp(
  ckpt: Checkpoint,
  prefix: string,
  version: string,
  upsampleFactor: number,
  embedDim: number,
  configFile: string,
): MlpSpec {
  if (version !== 'v1' && version !== 'v2') {
    throw new CheckpointError(
      configFile,
      `${prefix}: MLP version "${version}" is not supported (v1 and v2 are; the v4 'attn' head is not)`,
    );
  }
  const fc1 = ckpt.has(`${prefix}fc1.weight`) ? ckpt.shape(`${prefix}fc1.weight`) : undefined;
  const lastName = version === 'v2' ? `${prefix}final.2.weight` : `${prefix}fc2.weight`;
  if (!fc1 || !ckpt.has(lastName))
    throw new CheckpointError(
      ckpt.label,
      `adaptor MLP ${prefix}: missing ${prefix}fc1.weight or ${lastName}`,
    );
  const [hiddenDim, inputDim] = fc1 as [number, number];
  const outputDim = ckpt.shape(lastName)[0]!;
  if (inputDim !== embedDim)
    throw new CheckpointError(
      ckpt.label,
      `${prefix}fc1.weight takes ${inputDim} inputs, the backbone width is ${embedDim}`,
    );
  let numInner = 0;
  const innerName = (j: number): string =>
    version === 'v2' ? `${prefix}blocks.${j}.2.weight` : `${prefix}inner.${3 * j}.weight`;
  while (ckpt.has(innerName(numInner))) numInner++;
  if (upsampleFactor > 1 && (version !== 'v2' || outputDim % (upsampleFactor * upsampleFactor) !== 0)) {
    throw new CheckpointError(
      ckpt.label,
      `${prefix}: upsample factor ${upsampleFactor} needs an MLP2 whose output (${outputDim}) divides by ${upsampleFactor ** 2}`,
    );
  }
  return {
    version,
    prefix,
    inputDim,
    hiddenDim,
    outputDim,
    numInner,
    upsampleFactor,
  };
}
