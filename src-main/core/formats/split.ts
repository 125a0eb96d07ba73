import type { SplitName } from './export-types';
import { seededRandom } from '../random';

export { seededRandom } from '../random';

/**
 * Assigns each id to train or val: a seeded Fisher–Yates shuffle, then the first round(n·train/(train+val))
 * go to train. Ids are given in the source's stable order, so the same project and seed give the same split.
 */
export function assignSplits(
  ids: readonly number[],
  split: { readonly train: number; readonly val: number } | undefined,
  seed: number,
): Map<number, SplitName> {
  const out = new Map<number, SplitName>();
  if (split === undefined) {
    for (const id of ids) out.set(id, 'train');
    return out;
  }
  const total = split.train + split.val;
  if (!(split.train >= 0 && split.val >= 0 && total > 0)) {
    throw new Error(`split fractions must be ≥ 0 and not both 0, got train=${split.train} val=${split.val}`);
  }
  const order = [...ids];
  const rand = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const nTrain = Math.round((order.length * split.train) / total);
  order.forEach((id, i) => out.set(id, i < nTrain ? 'train' : 'val'));
  return out;
}
