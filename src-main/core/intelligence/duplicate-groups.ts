import { type ImageId } from '@contract';
import { type Project } from '../project';
import { l2Normalize } from '../segment/grid-ops';
import { cachedImageIds, cachedSummaries, type EmbeddingSpec } from './embeddings';
import { nearDuplicatePairs } from './near-duplicates';

/** One group of near-duplicates: its members, best-connected first. */
export interface DuplicateCluster {
  /** The smallest image id of the group. */
  readonly key: ImageId;
  readonly maxScore: number;
  /** Every member with its best cosine to another member, best first (ties: smaller id). */
  readonly members: readonly { readonly imageId: ImageId; readonly score: number }[];
}

/** Pairs as image ids (i < j in id order), with their cosines. */
interface IdPairs {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly score: Float32Array;
}

/**
 * Near-duplicate groups: the connected components of the pairs at or above the threshold, leaving out
 * pairs the user dismissed (two images sharing a dismissal set). Largest score first, then by key.
 */
export function groupPairs(
  pairs: IdPairs,
  dismissed: ReadonlyMap<ImageId, readonly number[]>,
): DuplicateCluster[] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    // Path compression keeps a group of thousands of near-identical images linear.
    while (x !== root) {
      const next = parent.get(x)!;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  const best = new Map<number, number>();
  const kept: number[] = [];
  for (let p = 0; p < pairs.a.length; p++) {
    const a = pairs.a[p]!;
    const b = pairs.b[p]!;
    if (shareSet(dismissed.get(a as ImageId), dismissed.get(b as ImageId))) continue;
    kept.push(p);
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
    const s = pairs.score[p]!;
    if (s > (best.get(a) ?? -Infinity)) best.set(a, s);
    if (s > (best.get(b) ?? -Infinity)) best.set(b, s);
  }
  const groups = new Map<number, { imageId: ImageId; score: number }[]>();
  for (const [id, score] of best) {
    const root = find(id);
    const list = groups.get(root);
    const member = { imageId: id as ImageId, score: round4(score) };
    if (list) list.push(member);
    else groups.set(root, [member]);
  }
  return [...groups.values()]
    .map((members) => {
      members.sort((x, y) => y.score - x.score || x.imageId - y.imageId);
      return {
        key: Math.min(...members.map((m) => m.imageId)) as ImageId,
        maxScore: members[0]?.score ?? 0,
        members,
      };
    })
    .sort((x, y) => y.maxScore - x.maxScore || x.key - y.key);
}

function shareSet(x: readonly number[] | undefined, y: readonly number[] | undefined): boolean {
  if (!x || !y) return false;
  return x.some((s) => y.includes(s));
}

interface CachedPairs {
  readonly key: string;
  /** The cached images the pairs were computed over, ascending. */
  readonly ids: readonly ImageId[];
  readonly pairs: IdPairs;
}

/**
 * Finds duplicate groups over the embedding cache and remembers the pairs, so that paging, a dismissal
 * or a removal regroups in milliseconds instead of comparing every image with every other again. The
 * pairs are recomputed only when an image gained a cached embedding (or the model or threshold changed).
 */
export class DuplicateFinder {
  #cache: CachedPairs | null = null;
  #groups: { key: string; groups: DuplicateCluster[] } | null = null;

  groups(project: Project, spec: EmbeddingSpec, threshold: number): DuplicateCluster[] {
    const pairs = this.#pairs(project, spec, threshold);
    const dismissals = project.duplicateDismissals;
    const key = `${pairs.key}|${pairs.ids.length}|${dismissals.fingerprint()}`;
    if (this.#groups?.key === key) return this.#groups.groups;
    const groups = groupPairs(pairs.pairs, dismissals.sets());
    this.#groups = { key, groups };
    return groups;
  }

  #pairs(project: Project, spec: EmbeddingSpec, threshold: number): CachedPairs {
    const key = `${project.dbFile}|${spec.modelId}|${spec.resolution ?? 'default'}|${threshold}`;
    const ids = cachedImageIds(project, spec);
    const cached = this.#cache;
    if (cached?.key === key && isSubset(ids, cached.ids)) {
      if (ids.length === cached.ids.length) return cached;
      const next = { key, ids, pairs: keepPairsOf(cached.pairs, new Set(ids)) };
      this.#cache = next;
      return next;
    }
    const summaries = [...cachedSummaries(project, spec)];
    const found = nearDuplicatePairs(
      summaries.map((s) => l2Normalize(s.vector)),
      threshold,
    );
    const a = new Int32Array(found.length);
    const b = new Int32Array(found.length);
    for (let p = 0; p < found.length; p++) {
      a[p] = summaries[found.a[p]!]!.imageId;
      b[p] = summaries[found.b[p]!]!.imageId;
    }
    const next = { key, ids, pairs: { a, b, score: found.score } };
    this.#cache = next;
    return next;
  }
}

/** Both lists ascending: is every id of `small` in `big`? */
function isSubset(small: readonly ImageId[], big: readonly ImageId[]): boolean {
  let j = 0;
  for (const id of small) {
    while (j < big.length && big[j]! < id) j++;
    if (big[j] !== id) return false;
  }
  return true;
}

function keepPairsOf(pairs: IdPairs, ids: ReadonlySet<number>): IdPairs {
  const keep: number[] = [];
  for (let p = 0; p < pairs.a.length; p++) if (ids.has(pairs.a[p]!) && ids.has(pairs.b[p]!)) keep.push(p);
  return {
    a: Int32Array.from(keep, (p) => pairs.a[p]!),
    b: Int32Array.from(keep, (p) => pairs.b[p]!),
    score: Float32Array.from(keep, (p) => pairs.score[p]!),
  };
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
