import { useCallback, useEffect, useState } from 'react';
import { type DuplicateGroup, type DuplicateMember, type ImageId } from '@contract';
import { api, mediaUrl } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { Dialog } from '../common/Dialog';
import { plural } from '../common/plural';

const GROUPS_PER_PAGE = 10;
/** Thumbnails shown per group before "+N more": a page stays light whatever the group sizes. */
const MEMBERS_SHOWN = 8;
const THRESHOLDS = [0.99, 0.97, 0.95, 0.9] as const;

type Pending =
  | { readonly kind: 'keep'; readonly group: DuplicateGroup; readonly keep: DuplicateMember }
  | { readonly kind: 'remove'; readonly member: DuplicateMember };

/**
 * Near-duplicates as groups, one page at a time (never every pair): thumbnails side by side, and per
 * group "keep only this one", "remove from project" (the file stays on disk) or "not duplicates" (remembered).
 */
export function DuplicatesDialog({ onClose }: { readonly onClose: () => void }): React.JSX.Element {
  const setCurrentImage = useAppStore((s) => s.setCurrentImage);
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const [threshold, setThreshold] = useState<number>(0.97);
  const [page, setPage] = useState(0);
  const [data, setData] = useState<{
    totalGroups: number;
    totalImages: number;
    groups: DuplicateGroup[];
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<ImageId>>(new Set());

  const load = useCallback(async (): Promise<void> => {
    setBusy(true);
    const r = await api().search.duplicateGroups({
      threshold,
      offset: page * GROUPS_PER_PAGE,
      limit: GROUPS_PER_PAGE,
    });
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    setError(null);
    // After removals a page can run past the end: step back to the last one.
    if (r.value.groups.length === 0 && page > 0)
      return setPage(Math.max(0, Math.ceil(r.value.totalGroups / GROUPS_PER_PAGE) - 1));
    setData(r.value);
  }, [threshold, page]);
  useEffect(() => void load(), [load]);

  /** Every member of a group (the page lists a bounded number). */
  const allMembers = async (group: DuplicateGroup): Promise<ImageId[] | null> => {
    if (group.members.length >= group.size) return group.members.map((m) => m.imageId);
    const index = data?.groups.indexOf(group) ?? -1;
    const r = await api().search.duplicateGroups({
      threshold,
      offset: page * GROUPS_PER_PAGE + index,
      limit: 1,
      memberLimit: 10_000,
    });
    const full = r.ok ? r.value.groups[0] : undefined;
    if (!full || full.key !== group.key) {
      setError('the groups changed meanwhile: try again');
      return null;
    }
    return full.members.map((m) => m.imageId);
  };
  const after = async (r: { ok: boolean; error?: { message: string } }): Promise<void> => {
    if (!r.ok) setError(r.error?.message ?? 'failed');
    invalidateImages();
    await load();
  };
  const remove = async (imageIds: readonly ImageId[]): Promise<void> => {
    if (imageIds.length === 0) return;
    const r = await api().images.remove({ imageIds: [...imageIds] });
    // The image on screen is gone: the workspace opens the first one left.
    const current = useAppStore.getState().currentImage;
    if (r.ok && current && imageIds.includes(current.id)) setCurrentImage(null);
    await after(r);
  };
  const confirm = async (p: Pending): Promise<void> => {
    setPending(null);
    if (p.kind === 'remove') return remove([p.member.imageId]);
    const ids = await allMembers(p.group);
    if (ids) await remove(ids.filter((id) => id !== p.keep.imageId));
  };
  const dismiss = async (group: DuplicateGroup): Promise<void> => {
    const ids = await allMembers(group);
    if (ids) await after(await api().search.dismissDuplicates({ imageIds: ids }));
  };
  const open = (m: DuplicateMember): void => {
    void api()
      .images.get({ imageId: m.imageId })
      .then((r) => {
        if (!r.ok) return setError(r.error.message);
        setCurrentImage(r.value);
        onClose();
      });
  };

  const pages = data ? Math.max(1, Math.ceil(data.totalGroups / GROUPS_PER_PAGE)) : 1;
  return (
    <Dialog label="Duplicates" onClose={onClose} className="card wide duplicates">
      <div className="row">
        <h2>Near-duplicates</h2>
        <label className="slider small">
          Similarity at least
          <select
            aria-label="Duplicate threshold"
            value={threshold}
            onChange={(e) => {
              setThreshold(Number(e.target.value));
              setPage(0);
            }}
          >
            {THRESHOLDS.map((t) => (
              <option key={t} value={t}>
                {t.toFixed(2)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" role="status">
          {busy
            ? 'Looking…'
            : data
              ? `${plural(data.totalGroups, 'group')} · ${plural(data.totalImages, 'image')}`
              : ''}
        </span>
      </div>
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
      {data && data.totalGroups === 0 && (
        <p className="muted">
          No near-duplicates among the images with cached embeddings (run Precompute first).
        </p>
      )}
      <ol className="dup-groups" start={page * GROUPS_PER_PAGE + 1}>
        {data?.groups.map((g, groupIndex) => {
          const showAll = expanded.has(g.key);
          const shown = showAll ? g.members : g.members.slice(0, MEMBERS_SHOWN);
          return (
            <li key={g.key} className="dup-group" aria-label={`Group of ${plural(g.size, 'image')}`}>
              <div className="row small">
                <strong>{plural(g.size, 'image')}</strong>
                <span className="muted">similarity up to {g.maxScore.toFixed(3)}</span>
                <span className="spacer" />
                <button disabled={busy} onClick={() => void dismiss(g)}>
                  Not duplicates
                </button>
              </div>
              <div className="dup-members">
                {shown.map((m) => (
                  <figure key={m.imageId} className="dup-member">
                    <button className="thumb" title={`Open ${m.fileName}`} onClick={() => open(m)}>
                      {/* The first group's thumbnails first: the others queue behind them (6 connections). */}
                      <img
                        src={mediaUrl(m, 'thumbnail')}
                        alt={m.fileName}
                        loading={groupIndex === 0 ? 'eager' : 'lazy'}
                        fetchPriority={groupIndex === 0 ? 'high' : 'low'}
                        decoding="async"
                      />
                    </button>
                    <figcaption className="small">
                      <span className="name" title={m.fileName}>
                        {m.fileName}
                      </span>
                      <span className="muted">
                        {m.widthPx}×{m.heightPx} · {plural(m.annotationCount, 'annotation')} ·{' '}
                        {m.score.toFixed(3)}
                      </span>
                      <span className="row">
                        <button
                          disabled={busy}
                          onClick={() => setPending({ kind: 'keep', group: g, keep: m })}
                        >
                          Keep only this
                        </button>
                        <button disabled={busy} onClick={() => setPending({ kind: 'remove', member: m })}>
                          Remove
                        </button>
                      </span>
                    </figcaption>
                  </figure>
                ))}
                {!showAll && g.size > shown.length && (
                  <button
                    className="more"
                    disabled={g.members.length <= shown.length}
                    onClick={() => setExpanded(new Set([...expanded, g.key]))}
                  >
                    +{g.size - shown.length} more
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      <div className="row">
        <button disabled={busy || page === 0} onClick={() => setPage(page - 1)}>
          ◀ Previous
        </button>
        <span className="small">
          Page {page + 1} / {pages}
        </span>
        <button disabled={busy || page + 1 >= pages} onClick={() => setPage(page + 1)}>
          Next ▶
        </button>
        <span className="spacer" />
        <button onClick={onClose}>Close</button>
      </div>
      {pending && (
        <Dialog label="Confirm removal" onClose={() => setPending(null)}>
          <p>
            {pending.kind === 'keep'
              ? `Keep ${pending.keep.fileName} and remove the other ${plural(pending.group.size - 1, 'image')} of this group from the project?`
              : `Remove ${pending.member.fileName} from the project?`}
          </p>
          <p className="muted small">
            Their annotations, proposals and cached embeddings go too. The image files stay on disk.
          </p>
          <div className="row">
            <button className="danger" onClick={() => void confirm(pending)}>
              Remove from project
            </button>
            <button onClick={() => setPending(null)}>Cancel</button>
          </div>
        </Dialog>
      )}
    </Dialog>
  );
}
