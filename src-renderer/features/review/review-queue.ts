import { type ImageId, type ImageRow } from '@contract';
import { api } from '../../bridge';

export type NextReview =
  | { readonly kind: 'found'; readonly row: ImageRow }
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly message: string };

/**
 * The next image with pending proposals after `currentId` in review order, wrapping around to the first;
 * the current image itself only when it is the only one left.
 */
export async function nextImageWithProposals(currentId: ImageId | null): Promise<NextReview> {
  const q = await api().review.queue({});
  if (!q.ok) return { kind: 'error', message: q.error.message };
  const ids = q.value.map((e) => e.imageId);
  if (ids.length === 0) return { kind: 'none' };
  const at = currentId === null ? -1 : ids.indexOf(currentId);
  const after =
    at >= 0
      ? ids[(at + 1) % ids.length]!
      : (ids.find((id) => currentId === null || id > currentId) ?? ids[0]!);
  const row = await api().images.get({ imageId: after });
  return row.ok ? { kind: 'found', row: row.value } : { kind: 'error', message: row.error.message };
}
