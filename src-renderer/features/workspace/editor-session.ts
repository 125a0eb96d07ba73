import { type ImageId, type LabelId } from '@contract';
import { api } from '../../bridge';
import { AutosaveQueue, EditorStore, type LoadedAnnotations, type SaveResult } from '../../model';
import { type LabelSource, ToolController, type ConvertFn, type SegmentFn, type ToolName } from '../../tools';

async function load(imageId: ImageId): Promise<LoadedAnnotations> {
  const r = await api().annotations.list({ imageId });
  if (!r.ok) throw new Error(r.error.message);
  return { revision: r.value.revision, items: r.value.items };
}

/** Everything that edits one project's annotations: the document store, autosave and the tool controller. */
export interface EditorSession {
  readonly store: EditorStore;
  readonly autosave: AutosaveQueue;
  readonly controller: ToolController;
  /** Loads an image's annotations (first visit) and makes it current. */
  openImage(imageId: ImageId): Promise<void>;
  /** After the backend changed an image's annotations itself (review accepts): save, then load it afresh. */
  reloadImage(imageId: ImageId): Promise<void>;
  dispose(): void;
}

export function createEditorSession(opts: {
  /** The one owner of the active label and per-label view state (the app store). */
  readonly labels: LabelSource;
  readonly labelForHotkey: (digit: number) => LabelId | null;
  /** Key → tool; read on every key press, so rebinding in settings takes effect at once. */
  readonly toolKeys: Readonly<Record<string, ToolName>>;
  readonly onError: (message: string) => void;
  /** A tool needs a label and the project has none. */
  readonly onNeedLabel: () => void;
}): EditorSession {
  const autosave = new AutosaveQueue({
    load,
    save: async (imageId, patch, baseRevision): Promise<SaveResult> => {
      const r = await api().annotations.applyPatch({
        imageId,
        baseRevision,
        patch: { added: [...patch.added], updated: [...patch.updated], removed: [...patch.removed] },
      });
      if (r.ok) return { kind: 'saved', revision: r.value.revision, assigned: r.value.added };
      if (r.error.code === 'conflict') return { kind: 'conflict' };
      throw new Error(r.error.message);
    },
    onRebase: (notice) => store.applyRebase(notice),
  });
  const store = new EditorStore({ onApplied: (imageId, patch) => autosave.enqueue(imageId, patch) });

  const segment: SegmentFn = async (request) => {
    const b = request.box;
    const box: [number, number, number, number] | undefined = b
      ? [b.x, b.y, b.widthPx, b.heightPx]
      : undefined;
    const r = await api().inference.segmentClick({
      imageId: request.imageId,
      clicks: request.clicks.map((c) => ({ x: c.x, y: c.y, positive: c.positive })),
      ...(box ? { box } : {}),
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.instances.map((i) => ({
      geometry: { kind: 'mask' as const, rle: i.rle },
      score: i.score,
    }));
  };
  const convert: ConvertFn = async (geometry, target, tolerancePx, image) => {
    const imageId = store.getSnapshot().imageId;
    if (imageId === null) throw new Error('no image is open');
    const r = await api().annotations.convert({ imageId, geometry, target, tolerancePx, ...image });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const controller = new ToolController({
    store,
    segment,
    convert,
    labels: opts.labels,
    labelForHotkey: opts.labelForHotkey,
    toolKeys: opts.toolKeys,
    onError: opts.onError,
    onNeedLabel: opts.onNeedLabel,
  });

  return {
    store,
    autosave,
    controller,
    async openImage(imageId) {
      if (!store.isOpen(imageId)) {
        const loaded = await load(imageId);
        autosave.setBaseRevision(imageId, loaded.revision);
        store.openImage(
          imageId,
          loaded.items.map((a) => ({ ...a, id: autosave.localIdOf(a.id), hidden: false, locked: false })),
        );
      } else {
        store.openImage(imageId);
      }
    },
    async reloadImage(imageId) {
      await autosave.flush();
      store.closeImage(imageId);
      await this.openImage(imageId);
    },
    dispose() {
      void autosave.flush().finally(() => autosave.dispose());
    },
  };
}
