import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type ImageRow, ImageStatusSchema, type ImageStatus } from '@contract';
import { mediaUrl } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { ImportImages } from '../import/ImportImages';
import { plural } from '../common/plural';
import { type ImagePager, PAGE_ROWS, type ImageFilter } from './image-pager';
import { type ThumbnailHandle, ThumbnailLoader } from './thumbnail-loader';

const ROW_HEIGHT_PX = 56;
const OVERSCAN_ROWS = 8;
/** Thumbnails start this long after the last scroll event: a fast scroll requests none for rows passed. */
const SCROLL_SETTLE_MS = 120;

interface Props {
  readonly pager: ImagePager;
  /** The current image's index in this list (null: not in it): the list scrolls to keep it in view. */
  readonly currentIndex: number | null;
  readonly onFilterChange: (filter: ImageFilter) => void;
  readonly onOpen: (row: ImageRow) => void;
}

/** A row's thumbnail through the shared loader: visible rows first, cancelled when the row goes. */
function Thumb({
  loader,
  row,
  visible,
}: {
  readonly loader: ThumbnailLoader;
  readonly row: ImageRow;
  readonly visible: boolean;
}): React.JSX.Element {
  const [granted, setGranted] = useState(false);
  const url = mediaUrl(row, 'thumbnail');
  const handle = useRef<ThumbnailHandle | null>(null);
  const img = useRef<HTMLImageElement>(null);
  const visibleRef = useRef(visible);
  visibleRef.current = visible;
  // A layout effect, so that the cleanup runs while the <img> is still there: clearing its src aborts
  // a load still on the wire.
  useLayoutEffect(() => {
    setGranted(false);
    const h = loader.request(visibleRef.current ? 0 : 1, () => setGranted(true));
    handle.current = h;
    const element = img;
    return () => {
      if (element.current && !element.current.complete) element.current.src = '';
      h.cancel();
    };
  }, [loader, url]);
  useEffect(() => handle.current?.setPriority(visible ? 0 : 1), [visible]);
  return granted ? (
    <img
      ref={img}
      src={url}
      alt=""
      width={64}
      height={48}
      onLoad={() => handle.current?.done()}
      onError={() => handle.current?.done()}
    />
  ) : (
    <span className="thumb-placeholder" aria-hidden="true" />
  );
}

/**
 * Virtualised: only the rows in view (plus a few) exist in the DOM, whatever the project size. It keeps
 * the current image in view, and thumbnails of rows scrolled past are never fetched (or are aborted).
 */
export function ImageList({ pager, currentIndex, onFilterChange, onOpen }: Props): React.JSX.Element {
  const current = useAppStore((s) => s.currentImage);
  const labels = useAppStore((s) => s.labels);
  const [scrollTopPx, setScrollTopPx] = useState(0);
  const [viewportPx, setViewportPx] = useState(600);
  const [rows, setRows] = useState<ReadonlyMap<number, ImageRow>>(new Map());
  const [total, setTotal] = useState<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [loader] = useState(() => new ThumbnailLoader());
  useEffect(() => () => loader.dispose(), [loader]);
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onScroll = (top: number): void => {
    setScrollTopPx(top);
    loader.setPaused(true);
    if (settle.current) clearTimeout(settle.current);
    settle.current = setTimeout(() => loader.setPaused(false), SCROLL_SETTLE_MS);
  };
  useEffect(() => () => clearTimeout(settle.current ?? undefined), []);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewportPx(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const firstVisible = Math.floor(scrollTopPx / ROW_HEIGHT_PX);
  const lastVisible = Math.floor((scrollTopPx + viewportPx - 1) / ROW_HEIGHT_PX);
  const first = Math.max(0, firstVisible - OVERSCAN_ROWS);
  const last = lastVisible + OVERSCAN_ROWS;

  // Follow the current image (next/previous, a search hit): scroll only when it is out of view.
  useEffect(() => {
    const el = scroller.current;
    if (!el || currentIndex === null) return;
    const top = currentIndex * ROW_HEIGHT_PX;
    if (top >= el.scrollTop && top + ROW_HEIGHT_PX <= el.scrollTop + el.clientHeight) return;
    el.scrollTop = Math.max(0, top - (el.clientHeight - ROW_HEIGHT_PX) / 2);
    setScrollTopPx(el.scrollTop);
  }, [currentIndex, total]);

  useEffect(() => {
    setRows(new Map());
    setTotal(null);
  }, [pager]);

  useEffect(() => {
    let cancelled = false;
    const pages = new Set([Math.floor(first / PAGE_ROWS), Math.floor(last / PAGE_ROWS)]);
    for (const pageIndex of pages) {
      void pager.page(pageIndex).then((items) => {
        if (cancelled) return;
        setTotal(pager.total);
        setRows((prev) => {
          const next = new Map(prev);
          items.forEach((row, i) => next.set(pageIndex * PAGE_ROWS + i, row));
          return next;
        });
      });
    }
    return () => {
      cancelled = true;
    };
  }, [pager, first, last]);

  const visible = useMemo(() => {
    const out: [number, ImageRow][] = [];
    for (let i = first; i <= Math.min(last, (total ?? 0) - 1); i++) {
      const row = rows.get(i);
      if (row) out.push([i, row]);
    }
    return out;
  }, [rows, first, last, total]);

  return (
    <aside className="image-list" aria-label="Images">
      <div className="filters">
        <ImportImages />
        <input
          placeholder="Filter by name"
          aria-label="Filter by name"
          defaultValue={pager.filter.nameContains ?? ''}
          onChange={(e) => onFilterChange({ ...pager.filter, nameContains: e.target.value || undefined })}
        />
        <select
          aria-label="Filter by status"
          value={pager.filter.status ?? ''}
          onChange={(e) =>
            onFilterChange({
              ...pager.filter,
              status: (e.target.value || undefined) as ImageStatus | undefined,
            })
          }
        >
          <option value="">any status</option>
          {ImageStatusSchema.options.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
        <select
          aria-label="Filter by label"
          value={pager.filter.labelId ?? ''}
          onChange={(e) => {
            const id = labels.find((l) => String(l.id) === e.target.value)?.id;
            onFilterChange({ ...pager.filter, labelId: id });
          }}
        >
          <option value="">any label</option>
          {labels.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        <select
          aria-label="Filter by tag"
          title="Zero-shot tag: images whose content matches a label name"
          value={pager.filter.tag ?? ''}
          onChange={(e) => {
            const { ids: _ids, tag: _tag, ...rest } = pager.filter;
            onFilterChange(e.target.value ? { ...rest, tag: e.target.value } : rest);
          }}
        >
          <option value="">any tag</option>
          {labels.map((l) => (
            <option key={l.id} value={l.name}>
              looks like {l.name}
            </option>
          ))}
        </select>
      </div>
      <div className="muted count">{total === null ? 'Loading…' : plural(total, 'image')}</div>
      <div ref={scroller} className="scroller" onScroll={(e) => onScroll(e.currentTarget.scrollTop)}>
        <div style={{ height: (total ?? 0) * ROW_HEIGHT_PX, position: 'relative' }}>
          {visible.map(([i, row]) => (
            <button
              key={row.id}
              className={`image-row${current?.id === row.id ? ' current' : ''}`}
              style={{ top: i * ROW_HEIGHT_PX, height: ROW_HEIGHT_PX }}
              onClick={() => onOpen(row)}
              title={row.fileName}
            >
              <Thumb loader={loader} row={row} visible={i >= firstVisible && i <= lastVisible} />
              <span className="name">{row.fileName}</span>
              <span className={`badge status-${row.status}`}>
                {row.missing ? 'missing' : row.status.replace('_', ' ')}
              </span>
              <span className="muted small">{row.annotationCount}</span>
            </button>
          ))}
        </div>
      </div>
    </aside>
  );
}
