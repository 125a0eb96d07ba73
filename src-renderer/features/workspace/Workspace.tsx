import { useCallback, useEffect, useMemo, useState } from 'react';
import { type ImageRow } from '../../../src-preload/contract/groups/images';
import { api } from '../../bridge';
import { useAppStore } from '../../app/app-store';
import { ImageList } from '../image-list/ImageList';
import { ImagePager, type ImageFilter } from '../image-list/image-pager';
import { LabelsPanel } from '../labels/LabelsPanel';
import { StatusBar } from '../status-bar/StatusBar';
import { Editor } from './Editor';

/** The open project: image list on the left, the editor in the middle, panels on the right. */
export function Workspace(): React.JSX.Element {
  const imagesVersion = useAppStore((s) => s.imagesVersion);
  const current = useAppStore((s) => s.currentImage);
  const setCurrentImage = useAppStore((s) => s.setCurrentImage);
  const refreshLabels = useAppStore((s) => s.refreshLabels);
  const refreshModel = useAppStore((s) => s.refreshModel);
  const [filter, setFilter] = useState<ImageFilter>({});
  // A new pager (fresh pages) whenever the filter changes or the images were invalidated.
  const pager = useMemo(() => new ImagePager(filter), [filter, imagesVersion]);

  useEffect(() => {
    void refreshLabels();
    void refreshModel();
  }, [refreshLabels, refreshModel]);

  // Open the first image once the list is known, so the editor is never empty when there are images.
  useEffect(() => {
    if (current) return;
    void pager.row(0).then((row) => row && setCurrentImage(row));
  }, [pager, current, setCurrentImage]);

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
      <ImageList pager={pager} onFilterChange={setFilter} onOpen={(row: ImageRow) => setCurrentImage(row)} />
      <Editor onNext={() => void step(1)} onPrev={() => void step(-1)} onNextUnlabelled={() => void nextUnlabelled()} />
      <div className="sidebar">
        <LabelsPanel />
      </div>
      <StatusBar />
    </div>
  );
}
