import { attr, GraphBuilder, randomWeights } from '../../src-main/core/models/onnx/graph-builder';
import { seededRandom } from '../../src-main/core/random';

/**
 * A ViT-B/16-shaped encoder with random weights for benchmarks: 512×512 input → 1024 tokens × 768, 12
 * pre-LN transformer blocks (12 heads, MLP 3072, exact GELU). The blocks share one set of weights so the
 * file stays ~30 MB; the compute is that of the real thing.
 */
export function buildVitB(opts: { blocks?: number; inputPx?: number } = {}): Uint8Array {
  const blocks = opts.blocks ?? 12;
  const inputPx = opts.inputPx ?? 512;
  const D = 768;
  const H = 12;
  const hd = D / H;
  const M = 3072;
  const p = 16;
  const N = (inputPx / p) ** 2;
  const rand = seededRandom(42);
  const g = new GraphBuilder('vit_b_bench');
  const x = g.input('pixel_values', 'float', [1, 3, inputPx, inputPx]);
  const patches = g.node(
    'Conv',
    [x, g.init('patch_w', randomWeights(D * 3 * p * p, 0.02, rand), [D, 3, p, p])],
    {
      kernel_shape: attr.ints([p, p]),
      strides: attr.ints([p, p]),
    },
  );
  let h = g.node('Transpose', [g.node('Reshape', [patches, g.ints('flat_shape', [1, D, N])])], {
    perm: attr.ints([0, 2, 1]),
  });
  h = g.node('Add', [h, g.init('pos_embed', randomWeights(N * D, 0.02, rand), [1, N, D])]);
  const w = {
    ln1s: g.init(
      'ln1_scale',
      Float32Array.from({ length: D }, () => 1),
      [D],
    ),
    ln1b: g.init('ln1_bias', new Float32Array(D), [D]),
    qkv: g.init('qkv_w', randomWeights(D * 3 * D, 0.02, rand), [D, 3 * D]),
    proj: g.init('proj_w', randomWeights(D * D, 0.02, rand), [D, D]),
    ln2s: g.init(
      'ln2_scale',
      Float32Array.from({ length: D }, () => 1),
      [D],
    ),
    ln2b: g.init('ln2_bias', new Float32Array(D), [D]),
    fc1: g.init('fc1_w', randomWeights(D * M, 0.02, rand), [D, M]),
    fc2: g.init('fc2_w', randomWeights(M * D, 0.02, rand), [M, D]),
    headShape: g.ints('qkv_shape', [1, N, 3, H, hd]),
    outShape: g.ints('out_shape', [1, N, D]),
    scale: g.floats('attn_scale', [1 / Math.sqrt(hd)]),
    half: g.floats('half', [0.5]),
    one: g.floats('one', [1]),
    invSqrt2: g.floats('inv_sqrt2', [Math.SQRT1_2]),
    split: g.ints('qkv_split', [1, 1, 1]),
  };
  const ln = (t: string, s: string, b: string): string =>
    g.node('LayerNormalization', [t, s, b], { axis: attr.int(-1), epsilon: attr.float(1e-6) });
  for (let i = 0; i < blocks; i++) {
    const qkv = g.node('MatMul', [ln(h, w.ln1s, w.ln1b), w.qkv]);
    const heads = g.node('Transpose', [g.node('Reshape', [qkv, w.headShape])], {
      perm: attr.ints([2, 0, 3, 1, 4]),
    });
    const parts = ['q', 'k', 'v'].map((n) => `b${i}_${n}`);
    g.nodeMulti('Split', [heads, w.split], parts, { axis: attr.int(0) });
    const [q, k, v] = parts.map((t) => g.node('Squeeze', [t, g.ints(`b${i}_${t}_sq`, [0])])) as [
      string,
      string,
      string,
    ];
    const kt = g.node('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) });
    const attn = g.node('Softmax', [g.node('Mul', [g.node('MatMul', [q, kt]), w.scale])], {
      axis: attr.int(-1),
    });
    const ctx = g.node('Transpose', [g.node('MatMul', [attn, v])], { perm: attr.ints([0, 2, 1, 3]) });
    h = g.node('Add', [h, g.node('MatMul', [g.node('Reshape', [ctx, w.outShape]), w.proj])]);
    const f1 = g.node('MatMul', [ln(h, w.ln2s, w.ln2b), w.fc1]);
    const gelu = g.node('Mul', [
      g.node('Mul', [f1, w.half]),
      g.node('Add', [g.node('Erf', [g.node('Mul', [f1, w.invSqrt2])]), w.one]),
    ]);
    h = g.node('Add', [h, g.node('MatMul', [gelu, w.fc2])]);
  }
  g.node('Identity', [h], {}, 'features');
  g.node('ReduceMean', [h], { axes: attr.ints([1]), keepdims: attr.int(0) }, 'summary');
  g.output('features', 'float', [1, N, D]);
  g.output('summary', 'float', [1, D]);
  return g.toBytes({
    producer: 'radiolabel-bench',
    doc: 'ViT-B/16-shaped random-weight encoder (bench only)',
  });
}
