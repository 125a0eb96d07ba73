import { type LabelId } from '@contract';

/** `ids` with `moved` placed at `to` (an index into the list without it). */
export function reordered(ids: readonly LabelId[], moved: LabelId, to: number): LabelId[] {
  const rest = ids.filter((id) => id !== moved);
  const at = Math.max(0, Math.min(rest.length, to));
  return [...rest.slice(0, at), moved, ...rest.slice(at)];
}
