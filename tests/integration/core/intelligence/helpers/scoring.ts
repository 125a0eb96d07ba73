import { connectedComponents, componentMask } from '../../../../../src-main/core/segment/components';
import { maskIou } from '../../../../../src-main/core/segment/mask-ops';

export interface Counts {
  tpPx: number;
  predPx: number;
  truthPx: number;
  truthInstances: number;
  matchedTruth: number;
  predInstances: number;
  matchedPred: number;
}

export const emptyCounts = (): Counts => ({
  tpPx: 0,
  predPx: 0,
  truthPx: 0,
  truthInstances: 0,
  matchedTruth: 0,
  predInstances: 0,
  matchedPred: 0,
});

/** Adds one image: pixel overlap of the union of predictions, and instance matches at IoU ≥ 0.5. */
export function addImage(
  c: Counts,
  preds: readonly Uint8Array[],
  truth: Uint8Array,
  widthPx: number,
  heightPx: number,
): void {
  const union = new Uint8Array(truth.length);
  for (const p of preds) for (let i = 0; i < p.length; i++) union[i] = union[i]! | p[i]!;
  for (let i = 0; i < truth.length; i++) {
    if (union[i]) c.predPx++;
    if (truth[i]) c.truthPx++;
    if (union[i] && truth[i]) c.tpPx++;
  }
  const cc = connectedComponents(truth, widthPx, heightPx, 8);
  const truths = Array.from({ length: cc.count }, (_, k) => componentMask(cc, k + 1));
  c.truthInstances += truths.length;
  c.predInstances += preds.length;
  c.matchedTruth += truths.filter((t) => preds.some((p) => maskIou(p, t) >= 0.5)).length;
  c.matchedPred += preds.filter((p) => truths.some((t) => maskIou(p, t) >= 0.5)).length;
}

export function summary(c: Counts): {
  pixelPrecision: number;
  pixelRecall: number;
  instancePrecision: number;
  instanceRecall: number;
} {
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    pixelPrecision: r(c.predPx === 0 ? 0 : c.tpPx / c.predPx),
    pixelRecall: r(c.truthPx === 0 ? 0 : c.tpPx / c.truthPx),
    instancePrecision: r(c.predInstances === 0 ? 0 : c.matchedPred / c.predInstances),
    instanceRecall: r(c.truthInstances === 0 ? 0 : c.matchedTruth / c.truthInstances),
  };
}
