import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type ImageRow } from '@contract';
import { api } from '../../bridge';
import { appLabelSource, useAppStore } from '../../state/app-store';
import { ImageList } from '../image-list/ImageList';
import { ImagePager, type ImageFilter } from '../image-list/image-pager';
import { LabelsPanel } from '../labels/LabelsPanel';
import { NeedLabelDialog } from '../labels/NeedLabelDialog';
import { StatusBar } from '../status-bar/StatusBar';
import { AnnotationList } from '../annotations/AnnotationList';
import { JobsPanel } from '../jobs/JobsPanel';
import { SearchPanel } from '../search/SearchPanel';
import { SettingsPanel } from '../settings/SettingsPanel';
import { DropZone } from '../import/DropZone';
import { EmptyProject } from './EmptyProject';
import { Editor } from './Editor';
import { createEditorSession, type EditorSession } from './editor-session';
import { toolKeyMap } from '../shortcuts/shortcuts';
import { type ToolName } from '../../tools';
import { nextImageWithProposals } from '../review/review-queue';

/** The open project: image list on the left, the editor in the middle, panels on the right. */
export function Workspace(): React.JSX.Element {
  const imagesVersion = useAppStore((s) => s.imagesVersion);
  const current = useAppStore((s) => s.currentImage);
  const setCurrentImage = useAppStore((s) => s.setCurrentImage);
  const refreshLabels = useAppStore((s) => s.refreshLabels);
  const refreshModel = useAppStore((s) => s.refreshModel);
  const labels = useAppStore((s) => s.labels);
  const activeLabelId = useAppStore((s) => s.activeLabelId);
  const notify = useAppStore((s) => s.notify);
  const setSaveState = useAppStore((s) => s.setSaveState);
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const labelRequested = useAppStore((s) => s.labelRequested);
  const [filter, setFilter] = useState<ImageFilter>({});
  const labelsRef = useRef(labels);
  labelsRef.current = labels;
  const shortcuts = useAppStore((s) => s.shortcuts);
  const refreshShortcuts = useAppStore((s) => s.refreshShortcuts);
  // One live map that the tool controller reads on each key press: rebinding needs no new session.
  const toolKeys = useRef<Record<string, ToolName>>(toolKeyMap({}));
  useEffect(() => {
    const next = toolKeyMap(shortcuts);
    for (const k of Object.keys(toolKeys.current)) delete toolKeys.current[k];
    Object.assign(toolKeys.current, next);
  }, [shortcuts]);
  // One editing session per open project: document history, autosave and tools outlive image switches.
  // Created in an effect (not a memo) so that every session that is made is also disposed.
  const [session, setSession] = useState<EditorSession | null>(null);
  useEffect(() => {
    const created = createEditorSession({
      labels: appLabelSource,
      labelForHotkey: (digit) => labelsRef.current.find((l) => l.hotkey === String(digit))?.id ?? null,
      toolKeys: toolKeys.current,
      onError: (text) => notify({ kind: 'error', text }),
      onNeedLabel: () => useAppStore.getState().requestLabel(true),
    });
    setSession(created);
    return () => created.dispose();
  }, [notify]);
  useEffect(
    () =>
      session?.autosave.subscribe(() => {
        const s = session.autosave.overallStatus();
        // Counts in the label panel and the image list change once edits reach the project.
        if (s.kind === 'saved' && useAppStore.getState().saveState.kind !== 'saved') {
          void refreshLabels();
          invalidateImages();
        }
        setSaveState(
          s.kind === 'saved'
            ? { kind: 'saved' }
            : s.kind === 'error'
              ? { kind: 'error', message: s.message }
              : { kind: 'saving' },
        );
      }),
    [session, setSaveState, refreshLabels, invalidateImages],
  );
  // Unsaved edits live in this page until the backend has them: leaving asks first.
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent): void => {
      if (useAppStore.getState().saveState.kind === 'saved') return;
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);
  // A new pager (fresh pages) whenever the filter changes or the images were invalidated.
  const pager = useMemo(() => new ImagePager(filter, imagesVersion), [filter, imagesVersion]);
  const [total, setTotal] = useState<number | null>(null);
  const [position, setPosition] = useState<number | null>(null);
  // Read by key handlers that may run before React re-binds them after a move: always the latest.
  const positionRef = useRef<number | null>(null);
  positionRef.current = position;

  useEffect(() => {
    void refreshLabels();
    void refreshModel();
    void refreshShortcuts();
  }, [refreshLabels, refreshModel, refreshShortcuts]);

  // Open the first image once the list is known, so the editor is never empty when there are images.
  useEffect(() => {
    void pager.row(0).then(
      (row) => {
        setTotal(pager.total);
        if (row && !useAppStore.getState().currentImage) setCurrentImage(row);
      },
      (e: unknown) => notify({ kind: 'error', text: (e as Error).message }),
    );
  }, [pager, setCurrentImage, notify]);

  // Where the current image sits in the filtered list ("68 / 2000"), for the toolbar and the list.
  const currentId = current?.id;
  useEffect(() => {
    if (currentId === undefined) return setPosition(null);
    let stale = false;
    void pager.locate(currentId).then((r) => {
      if (stale) return;
      setPosition(r?.index ?? null);
      if (r) setTotal(r.total);
    });
    return () => {
      stale = true;
    };
  }, [pager, currentId]);

  useEffect(
    () =>
      api().events.subscribe((event) => {
        if (event.kind !== 'images_changed') return;
        invalidateImages();
        notify({
          kind: 'info',
          text: `${event.missing} images are missing on disk: relink their folder (Import images…)`,
        });
      }),
    [invalidateImages, notify],
  );

  // A tag filter is resolved once into the images it picks; the list then pages over those ids.
  const applyFilter = async (next: ImageFilter): Promise<void> => {
    if (!next.tag) return setFilter(next);
    if (next.tag === filter.tag && filter.ids) return setFilter({ ...next, ids: filter.ids });
    const r = await api().search.imagesWithTag({ label: next.tag });
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    if (r.value.skipped.length > 0) notify({ kind: 'info', text: r.value.skipped.join('; ') });
    setFilter({ ...next, ids: r.value.imageIds });
  };

  const step = useCallback(
    async (delta: number): Promise<void> => {
      const at = positionRef.current;
      if (at === null) return;
      const next = await pager.row(at + delta);
      if (!next) return;
      // Known at once (locate confirms it): a quick second key press steps on from here.
      positionRef.current = at + delta;
      setPosition(at + delta);
      setCurrentImage(next);
    },
    [pager, setCurrentImage],
  );

  const nextUnlabelled = useCallback(async (): Promise<void> => {
    const r = await api().images.list({ status: 'new', limit: 50 });
    if (!r.ok) return;
    const candidate = r.value.items.find((i) => i.annotationCount === 0 && i.id !== current?.id);
    if (candidate) setCurrentImage(candidate);
  }, [current, setCurrentImage]);

  const nextReview = useCallback(async (): Promise<void> => {
    const row = await nextImageWithProposals(current?.id ?? null);
    if (row.kind === 'error') return notify({ kind: 'error', text: row.message });
    if (row.kind === 'none') return notify({ kind: 'info', text: 'No proposals left to review' });
    setCurrentImage(row.row);
  }, [current, setCurrentImage, notify]);

  const empty = total === 0 && !filter.status && !filter.nameContains && !filter.labelId && !filter.tag;
  return (
    <DropZone className="workspace-grid">
      <ImageList
        pager={pager}
        currentIndex={position}
        onFilterChange={(f) => void applyFilter(f)}
        onOpen={(row: ImageRow) => setCurrentImage(row)}
      />
      {empty ? (
        <EmptyProject />
      ) : session ? (
        <Editor
          session={session}
          position={position}
          total={total}
          onNext={() => void step(1)}
          onPrev={() => void step(-1)}
          onNextUnlabelled={() => void nextUnlabelled()}
          onNextReview={() => void nextReview()}
        />
      ) : (
        <section className="center" />
      )}
      <div className="sidebar">
        <LabelsPanel />
        {session && <AnnotationList store={session.store} labels={labels} activeLabelId={activeLabelId} />}
        <JobsPanel />
        {session && <SearchPanel session={session} />}
        <SettingsPanel />
      </div>
      <StatusBar onRetry={() => void session?.autosave.flush()} />
      {labelRequested && <NeedLabelDialog />}
    </DropZone>
  );
}
