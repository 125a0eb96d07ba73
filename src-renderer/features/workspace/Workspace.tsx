import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type LabelId, type ImageRow } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { ImageList } from '../image-list/ImageList';
import { ImagePager, type ImageFilter } from '../image-list/image-pager';
import { LabelsPanel } from '../labels/LabelsPanel';
import { StatusBar } from '../status-bar/StatusBar';
import { AnnotationList } from '../annotations/AnnotationList';
import { JobsPanel } from '../jobs/JobsPanel';
import { SearchPanel } from '../search/SearchPanel';
import { SettingsPanel } from '../settings/SettingsPanel';
import { Editor } from './Editor';
import { createEditorSession, type EditorSession } from './editor-session';
import { toolKeyMap } from '../shortcuts/shortcuts';
import { type ToolName } from '../../tools';

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
      activeLabelId: 0 as LabelId,
      labelForHotkey: (digit) => labelsRef.current.find((l) => l.hotkey === String(digit))?.id ?? null,
      toolKeys: toolKeys.current,
      onError: (text) => notify({ kind: 'error', text }),
    });
    setSession(created);
    return () => created.dispose();
  }, [notify]);
  useEffect(
    () =>
      session?.autosave.subscribe(() => {
        const s = session.autosave.overallStatus();
        const next = s.kind === 'saved' ? 'saved' : s.kind === 'error' ? 'error' : 'saving';
        // Counts in the label panel and the image list change once edits reach the project.
        if (next === 'saved' && useAppStore.getState().saveState !== 'saved') {
          void refreshLabels();
          invalidateImages();
        }
        setSaveState(next);
      }),
    [session, setSaveState, refreshLabels, invalidateImages],
  );
  // A new pager (fresh pages) whenever the filter changes or the images were invalidated.
  const pager = useMemo(() => new ImagePager(filter, imagesVersion), [filter, imagesVersion]);

  useEffect(() => {
    void refreshLabels();
    void refreshModel();
    void refreshShortcuts();
  }, [refreshLabels, refreshModel, refreshShortcuts]);

  // Open the first image once the list is known, so the editor is never empty when there are images.
  useEffect(() => {
    if (current) return;
    void pager.row(0).then((row) => row && setCurrentImage(row));
  }, [pager, current, setCurrentImage]);

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
      if (!current) return;
      const index = await pager.indexOf(current.id);
      const next = await pager.row(index + delta);
      if (next) setCurrentImage(next);
    },
    [pager, current, setCurrentImage],
  );

  const nextUnlabelled = useCallback(async (): Promise<void> => {
    const r = await api().images.list({ status: 'new', limit: 50 });
    if (!r.ok) return;
    const candidate = r.value.items.find((i) => i.annotationCount === 0 && i.id !== current?.id);
    if (candidate) setCurrentImage(candidate);
  }, [current, setCurrentImage]);

  return (
    <div className="workspace-grid">
      <ImageList
        pager={pager}
        onFilterChange={(f) => void applyFilter(f)}
        onOpen={(row: ImageRow) => setCurrentImage(row)}
      />
      {session ? (
        <Editor
          session={session}
          onNext={() => void step(1)}
          onPrev={() => void step(-1)}
          onNextUnlabelled={() => void nextUnlabelled()}
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
      <StatusBar />
    </div>
  );
}
