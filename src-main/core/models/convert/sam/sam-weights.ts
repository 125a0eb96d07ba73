import { type SafetensorsFile } from '../safetensors';
import { SamConvertError, type SamDims } from './sam-config';

/**
 * The SAM tensors the neck and decoder graphs need, read by their names in the Hugging Face layout
 * (`SamModel.save_pretrained`, as published in facebook/sam-vit-{base,large,huge}). Each name was checked
 * against transformers' `models/sam/convert_sam_to_hf.py` (KEYS_TO_MODIFY_MAPPING from segment-anything's
 * names) and `modeling_sam.py`; the mapping to segment-anything's modules is in KEY_MAP below. The vision
 * trunk (`vision_encoder.patch_embed/pos_embed/layers.*`) is never read: RADIO replaces it.
 */

/** A torch.nn.Linear / Conv: weight in PyTorch's layout, bias (absent where the module has none). */
export interface Affine {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}
export interface Norm {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}
export interface AttentionWeights {
  readonly q: Affine;
  readonly k: Affine;
  readonly v: Affine;
  readonly out: Affine;
}
export interface TwoWayLayerWeights {
  readonly selfAttn: AttentionWeights;
  readonly norm1: Norm;
  readonly crossTokenToImage: AttentionWeights;
  readonly norm2: Norm;
  readonly mlpLin1: Affine;
  readonly mlpLin2: Affine;
  readonly norm3: Norm;
  readonly norm4: Norm;
  readonly crossImageToToken: AttentionWeights;
}
export interface SamWeights {
  readonly neck: {
    readonly conv1: Float32Array;
    readonly norm1: Norm;
    readonly conv2: Float32Array;
    readonly norm2: Norm;
  };
  readonly prompt: {
    /** PositionEmbeddingRandom's Gaussian matrix [2, numPosFeats]. */
    readonly gaussian: Float32Array;
    /** point_embeddings 0..3 (negative click, positive click, box top-left, box bottom-right), each [hidden]. */
    readonly pointEmbed: readonly Float32Array[];
    readonly notAPoint: Float32Array;
    readonly noMask: Float32Array;
    readonly maskConv1: Affine;
    readonly maskNorm1: Norm;
    readonly maskConv2: Affine;
    readonly maskNorm2: Norm;
    readonly maskConv3: Affine;
  };
  readonly decoder: {
    readonly iouToken: Float32Array;
    readonly maskTokens: Float32Array;
    readonly layers: readonly TwoWayLayerWeights[];
    readonly finalAttn: AttentionWeights;
    readonly normFinal: Norm;
    readonly upConv1: Affine;
    readonly upNorm: Norm;
    readonly upConv2: Affine;
    /** One 3-layer MLP per mask token: [proj_in, layers.0, proj_out]. */
    readonly hyper: readonly (readonly Affine[])[];
    /** [proj_in, layers.0 … layers.(depth−3), proj_out]. */
    readonly iouHead: readonly Affine[];
  };
}

/**
 * Hugging Face name → segment-anything name (transformers' convert_sam_to_hf.py applied in reverse),
 * for messages and the report. `{i}`/`{j}` stand for layer indices.
 */
export const KEY_MAP: readonly (readonly [hf: string, original: string])[] = [
  ['vision_encoder.neck.conv1.weight', 'image_encoder.neck.0.weight'],
  ['vision_encoder.neck.layer_norm1.{weight,bias}', 'image_encoder.neck.1.{weight,bias}'],
  ['vision_encoder.neck.conv2.weight', 'image_encoder.neck.2.weight'],
  ['vision_encoder.neck.layer_norm2.{weight,bias}', 'image_encoder.neck.3.{weight,bias}'],
  [
    'shared_image_embedding.positional_embedding',
    'prompt_encoder.pe_layer.positional_encoding_gaussian_matrix',
  ],
  [
    'prompt_encoder.shared_embedding.positional_embedding',
    '(the same tensor, tied; read if the other is absent)',
  ],
  ['prompt_encoder.point_embed.{i}.weight', 'prompt_encoder.point_embeddings.{i}.weight'],
  ['prompt_encoder.not_a_point_embed.weight', 'prompt_encoder.not_a_point_embed.weight'],
  ['prompt_encoder.no_mask_embed.weight', 'prompt_encoder.no_mask_embed.weight'],
  ['prompt_encoder.mask_embed.conv1.*', 'prompt_encoder.mask_downscaling.0.*'],
  ['prompt_encoder.mask_embed.layer_norm1.*', 'prompt_encoder.mask_downscaling.1.*'],
  ['prompt_encoder.mask_embed.conv2.*', 'prompt_encoder.mask_downscaling.3.*'],
  ['prompt_encoder.mask_embed.layer_norm2.*', 'prompt_encoder.mask_downscaling.4.*'],
  ['prompt_encoder.mask_embed.conv3.*', 'prompt_encoder.mask_downscaling.6.*'],
  ['mask_decoder.iou_token.weight', 'mask_decoder.iou_token.weight'],
  ['mask_decoder.mask_tokens.weight', 'mask_decoder.mask_tokens.weight'],
  [
    'mask_decoder.transformer.layers.{i}.{self_attn,cross_attn_token_to_image,cross_attn_image_to_token}.{q,k,v,out}_proj.*',
    'mask_decoder.transformer.layers.{i}.(same)',
  ],
  [
    'mask_decoder.transformer.layers.{i}.layer_norm{1,2,3,4}.*',
    'mask_decoder.transformer.layers.{i}.norm{1,2,3,4}.*',
  ],
  [
    'mask_decoder.transformer.layers.{i}.mlp.lin{1,2}.*',
    'mask_decoder.transformer.layers.{i}.mlp.lin{1,2}.*',
  ],
  [
    'mask_decoder.transformer.final_attn_token_to_image.*',
    'mask_decoder.transformer.final_attn_token_to_image.*',
  ],
  ['mask_decoder.transformer.layer_norm_final_attn.*', 'mask_decoder.transformer.norm_final_attn.*'],
  ['mask_decoder.upscale_conv1.*', 'mask_decoder.output_upscaling.0.*'],
  ['mask_decoder.upscale_layer_norm.*', 'mask_decoder.output_upscaling.1.*'],
  ['mask_decoder.upscale_conv2.*', 'mask_decoder.output_upscaling.3.*'],
  [
    'mask_decoder.output_hypernetworks_mlps.{i}.proj_in.*',
    'mask_decoder.output_hypernetworks_mlps.{i}.layers.0.*',
  ],
  [
    'mask_decoder.output_hypernetworks_mlps.{i}.layers.0.*',
    'mask_decoder.output_hypernetworks_mlps.{i}.layers.1.*',
  ],
  [
    'mask_decoder.output_hypernetworks_mlps.{i}.proj_out.*',
    'mask_decoder.output_hypernetworks_mlps.{i}.layers.2.*',
  ],
  ['mask_decoder.iou_prediction_head.proj_in.*', 'mask_decoder.iou_prediction_head.layers.0.*'],
  ['mask_decoder.iou_prediction_head.layers.{j}.*', 'mask_decoder.iou_prediction_head.layers.{j+1}.*'],
  ['mask_decoder.iou_prediction_head.proj_out.*', 'mask_decoder.iou_prediction_head.layers.{depth−1}.*'],
];

const POSITIONAL_KEYS = [
  'shared_image_embedding.positional_embedding',
  'prompt_encoder.shared_embedding.positional_embedding',
] as const;

/** Reads every tensor the graphs need, checking each shape against the config. */
export function readSamWeights(st: SafetensorsFile, d: SamDims): SamWeights {
  const read = (key: string, shape: readonly number[]): Float32Array => {
    const info = st.tensors.get(key);
    if (!info) {
      throw new SamConvertError(
        st.file,
        `no tensor "${key}" (expected a transformers SamModel checkpoint, e.g. facebook/sam-vit-huge)`,
      );
    }
    if (info.shape.length !== shape.length || info.shape.some((s, i) => s !== shape[i])) {
      throw new SamConvertError(
        st.file,
        `tensor "${key}" has shape [${info.shape.join(', ')}], the config implies [${shape.join(', ')}]`,
      );
    }
    return st.readFloat32(key);
  };
  const affine = (key: string, out: number, ...rest: number[]): Affine => ({
    weight: read(`${key}.weight`, [out, ...rest]),
    bias: read(`${key}.bias`, [out]),
  });
  const norm = (key: string, n: number): Norm => ({
    weight: read(`${key}.weight`, [n]),
    bias: read(`${key}.bias`, [n]),
  });
  const h = d.hidden;
  const attention = (key: string, internal: number): AttentionWeights => ({
    q: affine(`${key}.q_proj`, internal, h),
    k: affine(`${key}.k_proj`, internal, h),
    v: affine(`${key}.v_proj`, internal, h),
    out: affine(`${key}.out_proj`, h, internal),
  });
  const mlp = (key: string, inDim: number, hidden: number, outDim: number, depth: number): Affine[] => [
    affine(`${key}.proj_in`, hidden, inDim),
    ...Array.from({ length: depth - 2 }, (_, j) => affine(`${key}.layers.${j}`, hidden, hidden)),
    affine(`${key}.proj_out`, outDim, hidden),
  ];

  const posKey = POSITIONAL_KEYS.find((k) => st.tensors.has(k)) ?? POSITIONAL_KEYS[0];
  const mc = d.maskInChans;
  const crossDim = h / d.downsample;
  const t = 'mask_decoder.transformer';
  return {
    neck: {
      conv1: read('vision_encoder.neck.conv1.weight', [h, d.encoderDims, 1, 1]),
      norm1: norm('vision_encoder.neck.layer_norm1', h),
      conv2: read('vision_encoder.neck.conv2.weight', [h, h, 3, 3]),
      norm2: norm('vision_encoder.neck.layer_norm2', h),
    },
    prompt: {
      gaussian: read(posKey, [2, d.numPosFeats]),
      pointEmbed: [0, 1, 2, 3].map((i) => read(`prompt_encoder.point_embed.${i}.weight`, [1, h])),
      notAPoint: read('prompt_encoder.not_a_point_embed.weight', [1, h]),
      noMask: read('prompt_encoder.no_mask_embed.weight', [1, h]),
      maskConv1: affine('prompt_encoder.mask_embed.conv1', mc / 4, 1, 2, 2),
      maskNorm1: norm('prompt_encoder.mask_embed.layer_norm1', mc / 4),
      maskConv2: affine('prompt_encoder.mask_embed.conv2', mc, mc / 4, 2, 2),
      maskNorm2: norm('prompt_encoder.mask_embed.layer_norm2', mc),
      maskConv3: affine('prompt_encoder.mask_embed.conv3', h, mc, 1, 1),
    },
    decoder: {
      iouToken: read('mask_decoder.iou_token.weight', [1, h]),
      maskTokens: read('mask_decoder.mask_tokens.weight', [d.numMaskTokens, h]),
      layers: Array.from({ length: d.layers }, (_, i) => {
        const l = `${t}.layers.${i}`;
        return {
          selfAttn: attention(`${l}.self_attn`, h),
          norm1: norm(`${l}.layer_norm1`, h),
          crossTokenToImage: attention(`${l}.cross_attn_token_to_image`, crossDim),
          norm2: norm(`${l}.layer_norm2`, h),
          mlpLin1: affine(`${l}.mlp.lin1`, d.mlpDim, h),
          mlpLin2: affine(`${l}.mlp.lin2`, h, d.mlpDim),
          norm3: norm(`${l}.layer_norm3`, h),
          norm4: norm(`${l}.layer_norm4`, h),
          crossImageToToken: attention(`${l}.cross_attn_image_to_token`, crossDim),
        };
      }),
      finalAttn: attention(`${t}.final_attn_token_to_image`, crossDim),
      normFinal: norm(`${t}.layer_norm_final_attn`, h),
      upConv1: {
        weight: read('mask_decoder.upscale_conv1.weight', [h, h / 4, 2, 2]),
        bias: read('mask_decoder.upscale_conv1.bias', [h / 4]),
      },
      upNorm: norm('mask_decoder.upscale_layer_norm', h / 4),
      upConv2: {
        weight: read('mask_decoder.upscale_conv2.weight', [h / 4, h / 8, 2, 2]),
        bias: read('mask_decoder.upscale_conv2.bias', [h / 8]),
      },
      hyper: Array.from({ length: d.numMaskTokens }, (_, i) =>
        mlp(`mask_decoder.output_hypernetworks_mlps.${i}`, h, h, h / 8, 3),
      ),
      iouHead: mlp('mask_decoder.iou_prediction_head', h, d.iouHeadHidden, d.numMaskTokens, d.iouHeadDepth),
    },
  };
}
