import { attr } from '../onnx/graph-builder';
import type { Checkpoint } from './checkpoint';
import type { GraphOps } from './graph-ops';
import { TORCH_LN_EPS, type MlpSpec } from './radio-spec';

/**
 * A RADIO adaptor MLP on 2-D tokens [M, in] → [M, out] (radio/adaptor_mlp.py). MLP2 ("v2"):
 * fc1 → num_inner × (x + Linear(GELU(LN(x)))) → Linear(GELU(LN(x))). MLP ("v1"):
 * fc1 → LN → ReLU → num_inner × (Linear, LN, ReLU) → fc2. nn.LayerNorm's default eps (1e-5) throughout.
 * The FeatSharp rearrangement of upsampled heads is the caller's (it needs the patch grid).
 */
export function emitMlp(ops: GraphOps, ckpt: Checkpoint, mlp: MlpSpec, x: string): string {
  const t = (name: string) => ckpt.source(`${mlp.prefix}${name}`);
  const linear = (h: string, name: string): string =>
    ops.em.linear(h, t(`${name}.weight`), t(`${name}.bias`), { quantize: false });
  const ln = (h: string, name: string): string =>
    ops.layerNorm(h, t(`${name}.weight`), t(`${name}.bias`), TORCH_LN_EPS);
  switch (mlp.version) {
    case 'v2': {
      let h = x;
      h = linear(h, 'fc1');
      for (let j = 0; j < mlp.numInner; j++) {
        h = ops.g.node('Add', [h, linear(ops.geluErf(ln(h, `blocks.${j}.0`)), `blocks.${j}.2`)]);
      }
      return linear(ops.geluErf(ln(h, 'final.0')), 'final.2');
    }
    case 'v1': {
      let h = ops.g.node('Relu', [ln(linear(x, 'fc1'), 'norm')]);
      for (let j = 0; j < mlp.numInner; j++) {
        h = ops.g.node('Relu', [ln(linear(h, `inner.${3 * j}`), `inner.${3 * j + 1}`)]);
      }
      return linear(h, 'fc2');
    }
  }
}

/**
 * FeatSharp heads emit (u1 u2 c) per patch: 'b (h w) (u1 u2 c) -> b (h u1 w u2) c' (adaptor_mlp.py MLP2),
 * on 2-D tokens [h·w, u·u·c] → [h·u·w·u, c].
 */
export function upsampleTokens(
  ops: GraphOps,
  x: string,
  rows: number,
  cols: number,
  u: number,
  channels: number,
): string {
  if (u === 1) return x;
  const grid = ops.reshape(x, [rows, cols, u, u, channels]);
  const moved = ops.g.node('Transpose', [grid], { perm: attr.ints([0, 2, 1, 3, 4]) });
  return ops.reshape(moved, [rows * u * cols * u, channels]);
}
