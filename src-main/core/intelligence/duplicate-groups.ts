import { type ImageId } from '@contract';
import { type Project } from '../project';
import { cachedImageIds, cachedSummaryRows, type EmbeddingSpec } from './embeddings';
import { nearDuplicatePairs } from './near-duplicates';

/** One group of near-duplicates: its members, best-connected first. */
export interface DuplicateCluster {
  /** The smallest image id of the group. */
  readonly key: ImageId;
  readonly maxScore: number;
  /** Every member with its best cosine to another member, best first (ties: smaller id). */
  readonly members: readonly { readonly imageId: ImageId; readonly score: number }[];
}

/** Pairs of row indices (i < j) with their cosines, and the image of each row (ascending). */
export interface RowPairs {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly score: Float32Array;
  readonly imageIds: Int32Array;
}

/**
 * Near-duplicate groups: the connected components of the pairs at or above the threshold, leaving out
 * pairs the user dismissed (two images sharing a dismissal set). Largest score first, then by key.
 * Union-find over row indices in typed arrays (rows are in id order, so the smallest index of a group is
 * its smallest id).
 */
export function groupPairs(
  pairs: RowPairs,
  dismissed: ReadonlyMap<ImageId, readonly number[]>,
): DuplicateCluster[] {
  const n = pairs.imageIds.length;
  const ids = pairs.imageIds;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    // Path compression keeps a group of thousands of near-identical images linear.
    while (x !== root) {
      const next = parent[x]!;
      parent[x] = root;
      x = next;
    }
    return root;
  };
  const best = new Float32Array(n).fill(-Infinity);
  const checkDismissed = dismissed.size > 0;
  for (let p = 0; p < pairs.a.length; p++) {
    const a = pairs.a[p]!;
    const b = pairs.b[p]!;
    if (checkDismissed && shareSet(dismissed.get(ids[a]! as ImageId), dismissed.get(ids[b]! as ImageId)))
      continue;
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    const s = pairs.score[p]!;
    if (s > best[a]!) best[a] = s;
    if (s > best[b]!) best[b] = s;
  }
  const groups = new Map<number, { imageId: ImageId; score: number }[]>();
  for (let i = 0; i < n; i++) {
    if (best[i] === -Infinity) continue;
    const root = find(i);
    const list = groups.get(root);
    const member = { imageId: ids[i]! as ImageId, score: round4(best[i]!) };
    if (list) list.push(member);
    else groups.set(root, [member]);
  }
  return [...groups]
    .map(([root, members]) => {
      members.sort((x, y) => y.score - x.score || x.imageId - y.imageId);
      return { key: ids[root]! as ImageId, maxScore: members[0]?.score ?? 0, members };
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
  readonly pairs: RowPairs;
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
    // fp16 as cached: the rows are decoded and normalised where the search runs (in Wasm when it can).
    const { imageIds, rows } = cachedSummaryRows(project, spec);
    const found = nearDuplicatePairs(rows, threshold);
    const next = { key, ids, pairs: { ...found, imageIds } };
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

/** The pairs whose two images are both still in `ids` (rows stay as they were). */
function keepPairsOf(pairs: RowPairs, ids: ReadonlySet<number>): RowPairs {
  const keep: number[] = [];
  const { a, b, imageIds } = pairs;
  for (let p = 0; p < a.length; p++) if (ids.has(imageIds[a[p]!]!) && ids.has(imageIds[b[p]!]!)) keep.push(p);
  return {
    a: Int32Array.from(keep, (p) => a[p]!),
    b: Int32Array.from(keep, (p) => b[p]!),
    score: Float32Array.from(keep, (p) => pairs.score[p]!),
    imageIds,
  };
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
