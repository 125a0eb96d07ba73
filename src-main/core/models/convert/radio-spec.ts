import type { Checkpoint } from './checkpoint';
import { CheckpointError } from './checkpoint';
import { type AdaptorSpec, inspectAdaptors, P } from './radio-adaptors';
import { type RadioConfig, VIT_ARCHS } from './radio-config';

export type { AdaptorSpec, MlpSpec } from './radio-adaptors';

/**
 * What a RADIO checkpoint is, found from its config AND its weights (never assumed): the ViT's shapes,
 * its prefix tokens, which optional pieces it carries and its adaptor heads. Tensor names are those
 * `RADIOModel(config).save_pretrained()` writes (NVlabs/RADIO radio/hf_model.py → radio_model.py).
 */

export { P };
export const M = `${P}model.`;
export const PG = `${M}patch_generator.`;

export interface BlockSpec {
  readonly prefix: string;
  readonly qkvBias: boolean;
  readonly projBias: boolean;
  readonly layerScale: { ls1: string; ls2: string } | undefined;
  /** `vit_huge_patch16_224_mlpnorm`: a LayerNorm (eps 1e-5) between the MLP's GELU and fc2. */
  readonly mlpNorm: boolean;
  /** ScaledLayerNorm (vit_giant scaled_ln): norm1/norm2 outputs × 1/√(block index + 1). */
  readonly lnScale: number;
}

export interface RadioSpec {
  readonly modelName: string;
  readonly embedDim: number;
  readonly numHeads: number;
  readonly patchSize: number;
  readonly patchBias: boolean;
  /** The pos-embed grid side, from the weight's shape (cpe_max_size / patch). */
  readonly posGrid: number;
  /** timm's own img_size: CPE mode is on when the pos-embed grid differs from it (vit_patch_generator.py). */
  readonly cpeMode: boolean;
  readonly numClsTokens: number;
  readonly numRegisters: number;
  readonly patchNormalizer: boolean;
  readonly blocks: readonly BlockSpec[];
  readonly finalNorm: boolean;
  readonly summaryIdxs: readonly number[];
  readonly featureNormalizer: boolean;
  readonly inputMean: readonly [number, number, number];
  readonly inputStd: readonly [number, number, number];
  readonly minResolutionStep: number;
  readonly maxResolution: number | undefined;
  readonly adaptors: ReadonlyMap<string, AdaptorSpec>;
  /** Things the converter saw and deliberately ignored (the official forward ignores them too). */
  readonly notes: readonly string[];
}

/** timm ViT LayerNorm eps (partial(nn.LayerNorm, eps=1e-6)); nn.LayerNorm's default is 1e-5. */
export const VIT_LN_EPS = 1e-6;
export const TORCH_LN_EPS = 1e-5;

// OpenAI CLIP mean/std: radio/input_conditioner.py get_default_conditioner (used when the buffers are absent).
const DEFAULT_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const DEFAULT_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

const BLOCK_TENSORS = new Set([
  'norm1.weight',
  'norm1.bias',
  'attn.qkv.weight',
  'attn.qkv.bias',
  'attn.proj.weight',
  'attn.proj.bias',
  'norm2.weight',
  'norm2.bias',
  'mlp.fc1.weight',
  'mlp.fc1.bias',
  'mlp.fc2.weight',
  'mlp.fc2.bias',
  'mlp.norm.weight',
  'mlp.norm.bias',
  'ls1.grandma',
  'ls2.grandma',
  'ls1.gamma',
  'ls2.gamma',
]);

function numberKwarg(kwargs: Record<string, unknown>, key: string, file: string): number | undefined {
  const v = kwargs[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new CheckpointError(file, `args.model_kwargs.${key}: expected a number, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function inspectRadio(config: RadioConfig, ckpt: Checkpoint, configFile: string): RadioSpec {
  const args = config.args;
  const kwargs = args.model_kwargs ?? {};
  const notes: string[] = [];
  const need = (name: string, why: string): readonly number[] => {
    if (!ckpt.has(name)) throw new CheckpointError(ckpt.label, `missing tensor "${name}" (${why})`);
    return ckpt.shape(name);
  };

  if (args.spectral_reparam) {
    throw new CheckpointError(
      configFile,
      'args.spectral_reparam is true: export the checkpoint with spectral reparametrisation removed (hf_hub.py does)',
    );
  }
  for (const name of ckpt.names) {
    if (name.includes('parametrizations.')) {
      throw new CheckpointError(
        ckpt.label,
        `tensor "${name}" is a spectral parametrisation; the HF layout stores plain weights`,
      );
    }
  }
  const arch = VIT_ARCHS[args.model];
  if (!arch) {
    throw new CheckpointError(
      configFile,
      `args.model: "${args.model}" is not a supported ViT (supported: ${Object.keys(VIT_ARCHS).join(', ')}; E-RADIO, DINOv2-g and RADIO1D backbones are not converted)`,
    );
  }
  const act = kwargs.act_layer;
  if (act !== undefined && act !== null && act !== 'gelu') {
    throw new CheckpointError(
      configFile,
      `args.model_kwargs.act_layer: ${JSON.stringify(act)} is not supported (exact GELU only)`,
    );
  }
  if (kwargs.qk_norm)
    throw new CheckpointError(configFile, 'args.model_kwargs.qk_norm: q/k norms are not supported');

  // Patch embedding: ViTPatchLinear, weight [D, 3·p·p] in (c, y, x) order.
  const embed = need(`${PG}embedder.weight`, 'the patch embedding');
  const [embedDim, patchIn] = embed as [number, number];
  const patchSize = Math.round(Math.sqrt(patchIn / 3));
  if (embed.length !== 2 || patchSize * patchSize * 3 !== patchIn) {
    throw new CheckpointError(
      ckpt.label,
      `"${PG}embedder.weight" has shape [${embed.join(', ')}], expected [D, 3·p·p]`,
    );
  }
  if (config.patch_size != null && config.patch_size !== patchSize) {
    throw new CheckpointError(
      configFile,
      `patch_size: ${config.patch_size}, but the patch embedding is for ${patchSize}-px patches`,
    );
  }
  const expectedDim = numberKwarg(kwargs, 'embed_dim', configFile) ?? arch.embedDim;
  if (expectedDim !== embedDim) {
    throw new CheckpointError(
      configFile,
      `args.model "${args.model}" has width ${expectedDim}, but the weights have ${embedDim}`,
    );
  }
  const numHeads = numberKwarg(kwargs, 'num_heads', configFile) ?? arch.numHeads;
  if (embedDim % numHeads !== 0) {
    throw new CheckpointError(configFile, `width ${embedDim} is not divisible by ${numHeads} heads`);
  }

  // Position embeddings: [1, G·G, D]; the grid comes from the weight's shape, not from cpe_max_size.
  const pos = need(`${PG}pos_embed`, 'the CPE position embeddings');
  const posGrid = Math.round(Math.sqrt(pos[1] ?? 0));
  if (pos.length !== 3 || pos[0] !== 1 || posGrid * posGrid !== pos[1] || pos[2] !== embedDim) {
    throw new CheckpointError(
      ckpt.label,
      `"${PG}pos_embed" has shape [${pos.join(', ')}], expected [1, G·G, ${embedDim}]`,
    );
  }
  if (args.cpe_max_size != null && Math.round(args.cpe_max_size / patchSize) !== posGrid) {
    notes.push(
      `args.cpe_max_size ${args.cpe_max_size} disagrees with the ${posGrid}×${posGrid} pos-embed grid; the weights win`,
    );
  }
  const imgSize = numberKwarg(kwargs, 'img_size', configFile) ?? arch.imgSize;
  const cpeMode = posGrid * patchSize !== imgSize;

  // Class tokens + registers (cls_token.py): one token per unique teacher name when cls_token_per_teacher.
  const tok = need(`${PG}cls_token.token`, 'the class and register tokens');
  const uniqueTeachers = new Set(args.teachers.map((t) => t.name)).size;
  const numClsTokens = (args.cls_token_per_teacher ?? true) ? uniqueTeachers : 1;
  const numRegisters = (tok[0] ?? 0) - numClsTokens;
  if (tok.length !== 2 || tok[1] !== embedDim || numRegisters < 0) {
    throw new CheckpointError(
      ckpt.label,
      `"${PG}cls_token.token" has shape [${tok.join(', ')}], expected [${numClsTokens} + registers, ${embedDim}]`,
    );
  }
  const expectedRegisters = args.cpe_num_registers
    ? args.cpe_num_registers
    : args.register_multiple
      ? args.register_multiple - (numClsTokens % args.register_multiple)
      : 0;
  if (expectedRegisters !== numRegisters) {
    throw new CheckpointError(
      configFile,
      `args.register_multiple/cpe_num_registers give ${expectedRegisters} registers after ${numClsTokens} class tokens, but "${PG}cls_token.token" holds ${numRegisters}`,
    );
  }

  // ViT blocks: every tensor under blocks.N must be one we convert.
  const blockNames = new Map<number, Set<string>>();
  for (const name of ckpt.names) {
    const m = /^radio_model\.model\.blocks\.(\d+)\.(.+)$/.exec(name);
    if (!m) continue;
    const i = Number(m[1]);
    if (!BLOCK_TENSORS.has(m[2]!)) {
      throw new CheckpointError(ckpt.label, `tensor "${name}" is not part of a supported timm ViT block`);
    }
    let set = blockNames.get(i);
    if (!set) blockNames.set(i, (set = new Set()));
    set.add(m[2]!);
  }
  const depth = blockNames.size;
  if (depth === 0) throw new CheckpointError(ckpt.label, `no "${M}blocks.N" tensors: not a ViT checkpoint`);
  const kwDepth = numberKwarg(kwargs, 'depth', configFile);
  if (kwDepth !== undefined && kwDepth !== depth) {
    throw new CheckpointError(
      configFile,
      `args.model_kwargs.depth is ${kwDepth}, but the weights have ${depth} blocks`,
    );
  }
  const scaledLn = kwargs.scaled_ln === true;
  const mlpNormModel = args.model.endsWith('_mlpnorm');
  const blocks: BlockSpec[] = [];
  for (let i = 0; i < depth; i++) {
    const have = blockNames.get(i);
    if (!have)
      throw new CheckpointError(
        ckpt.label,
        `blocks are not numbered 0..${depth - 1}: "${M}blocks.${i}" is missing`,
      );
    for (const base of [
      'norm1.weight',
      'norm1.bias',
      'attn.qkv.weight',
      'attn.proj.weight',
      'norm2.weight',
      'norm2.bias',
      'mlp.fc1.weight',
      'mlp.fc2.weight',
    ]) {
      if (!have.has(base)) throw new CheckpointError(ckpt.label, `missing tensor "${M}blocks.${i}.${base}"`);
    }
    const lsName = have.has('ls1.grandma') ? 'grandma' : have.has('ls1.gamma') ? 'gamma' : undefined;
    const mlpNorm = have.has('mlp.norm.weight');
    if (mlpNorm && !mlpNormModel) {
      throw new CheckpointError(
        ckpt.label,
        `"${M}blocks.${i}.mlp.norm.weight" is only known for the *_mlpnorm models (args.model is "${args.model}")`,
      );
    }
    if (!mlpNorm && mlpNormModel)
      throw new CheckpointError(
        ckpt.label,
        `missing tensor "${M}blocks.${i}.mlp.norm.weight" (${args.model})`,
      );
    blocks.push({
      prefix: `${M}blocks.${i}.`,
      qkvBias: have.has('attn.qkv.bias'),
      projBias: have.has('attn.proj.bias'),
      layerScale: lsName
        ? { ls1: `${M}blocks.${i}.ls1.${lsName}`, ls2: `${M}blocks.${i}.ls2.${lsName}` }
        : undefined,
      mlpNorm,
      lnScale: scaledLn ? 1 / Math.sqrt(i + 1) : 1,
    });
  }

  // model.norm is replaced by Identity unless args.model_norm (radio_model.py create_model_from_args).
  const finalNorm = args.model_norm === true;
  if (finalNorm) need(`${M}norm.weight`, 'args.model_norm is true');
  else if (ckpt.has(`${M}norm.weight`))
    notes.push(`"${M}norm.*" ignored: args.model_norm is false, so RADIO uses Identity`);
  if (ckpt.has(`${M}norm_pre.weight`))
    notes.push(`"${M}norm_pre.*" ignored: the CPE forward (enable_cpe_support.py) skips it`);

  // Summary tokens: the `summary_idxs` buffer, else the teachers with use_summary (hf_model.py).
  const fromTeachers = args.teachers.flatMap((t, i) => ((t.use_summary ?? true) ? [i] : []));
  const summaryIdxs = ckpt.has(`${P}summary_idxs`) ? ckpt.integers(`${P}summary_idxs`) : fromTeachers;
  const prefixTokens = numClsTokens + numRegisters;
  for (const i of summaryIdxs) {
    if (i < 0 || i >= prefixTokens)
      throw new CheckpointError(
        ckpt.label,
        `summary index ${i} is outside the ${prefixTokens} prefix tokens`,
      );
  }

  // PHI-S feature normaliser: built only when config.feature_normalizer_config is set (hf_model.py).
  const featureNormalizer = config.feature_normalizer_config != null;
  if (featureNormalizer) {
    const mean = need(`${P}feature_normalizer.mean`, 'feature_normalizer_config is set');
    const tx = need(`${P}feature_normalizer.tx`, 'feature_normalizer_config is set');
    if (mean[0] !== embedDim || tx[0] !== embedDim || tx[1] !== embedDim) {
      throw new CheckpointError(
        ckpt.label,
        `feature normaliser shapes [${mean.join(', ')}] / [${tx.join(', ')}] do not match width ${embedDim}`,
      );
    }
  } else if (ckpt.has(`${P}feature_normalizer.mean`)) {
    notes.push(
      'feature normaliser weights ignored: config.feature_normalizer_config is null, so RADIOModel never builds one',
    );
  }

  const conditioner = (name: string, dflt: [number, number, number]): [number, number, number] => {
    const full = `${P}input_conditioner.${name}`;
    if (!ckpt.has(full)) {
      notes.push(`"${full}" absent: using the default OpenAI-CLIP value`);
      return dflt;
    }
    const v = ckpt.float32(full);
    if (v.length !== 3) throw new CheckpointError(ckpt.label, `"${full}" has ${v.length} values, expected 3`);
    return [v[0]!, v[1]!, v[2]!];
  };

  return {
    modelName: args.model,
    embedDim,
    numHeads,
    patchSize,
    patchBias: ckpt.has(`${PG}embedder.bias`),
    posGrid,
    cpeMode,
    numClsTokens,
    numRegisters,
    patchNormalizer: ckpt.has(`${PG}patch_normalizer.weight`),
    blocks,
    finalNorm,
    summaryIdxs,
    featureNormalizer,
    inputMean: conditioner('norm_mean', DEFAULT_MEAN),
    inputStd: conditioner('norm_std', DEFAULT_STD),
    minResolutionStep: patchSize * (config.vitdet_window_size ?? 1),
    maxResolution: config.max_resolution ?? undefined,
    adaptors: inspectAdaptors(config, ckpt, configFile, embedDim, prefixTokens, notes),
    notes,
  };
}
