import { create } from 'zustand';
import { type ImageRow, type ProviderStatus, type Label, type ProjectInfo, type ImageId } from '@contract';
import { api } from '../bridge';

export type SaveState = 'saved' | 'saving' | 'error';

export interface Notice {
  readonly kind: 'info' | 'error';
  readonly text: string;
}

interface AppState {
  readonly project: ProjectInfo | null;
  readonly labels: readonly Label[];
  readonly activeLabelId: Label['id'] | null;
  readonly currentImage: ImageRow | null;
  /** Bumped whenever the image list must refetch (import, status change). */
  readonly imagesVersion: number;
  readonly model: { id: string | null; name: string | null; provider: ProviderStatus } | null;
  readonly embedding: { imageId: ImageId; state: 'running' | 'done' | 'error' } | null;
  readonly saveState: SaveState;
  readonly notice: Notice | null;
  /** Per-label view state: hidden labels are not drawn, locked ones cannot be edited. */
  readonly hiddenLabels: ReadonlySet<Label['id']>;
  readonly lockedLabels: ReadonlySet<Label['id']>;
  /** User rebindings (settings.shortcuts): action → key. */
  readonly shortcuts: Readonly<Record<string, string>>;
  setProject: (project: ProjectInfo | null) => void;
  refreshLabels: () => Promise<void>;
  setActiveLabel: (id: Label['id'] | null) => void;
  setCurrentImage: (row: ImageRow | null) => void;
  invalidateImages: () => void;
  refreshModel: () => Promise<void>;
  setEmbedding: (e: AppState['embedding']) => void;
  setSaveState: (s: SaveState) => void;
  notify: (notice: Notice | null) => void;
  refreshShortcuts: () => Promise<void>;
  toggleLabelHidden: (id: Label['id']) => void;
  toggleLabelLocked: (id: Label['id']) => void;
  setShortcuts: (shortcuts: Record<string, string>) => Promise<void>;
}

/** App-level UI state (the document itself lives in the editor model's EditorStore). */
export const useAppStore = create<AppState>((set, get) => ({
  project: null,
  labels: [],
  activeLabelId: null,
  currentImage: null,
  imagesVersion: 0,
  model: null,
  embedding: null,
  saveState: 'saved',
  notice: null,
  shortcuts: {},
  hiddenLabels: new Set(),
  lockedLabels: new Set(),
  setProject: (project) =>
    set({ project, currentImage: null, labels: [], imagesVersion: get().imagesVersion + 1 }),
  refreshLabels: async () => {
    const r = await api().labels.list({});
    if (!r.ok) return get().notify({ kind: 'error', text: r.error.message });
    const active = get().activeLabelId;
    set({
      labels: r.value,
      activeLabelId: r.value.some((l) => l.id === active) ? active : (r.value[0]?.id ?? null),
    });
  },
  setActiveLabel: (id) => set({ activeLabelId: id }),
  setCurrentImage: (row) => set({ currentImage: row }),
  invalidateImages: () => set({ imagesVersion: get().imagesVersion + 1 }),
  refreshModel: async () => {
    const r = await api().inference.status({});
    if (r.ok) set({ model: { id: r.value.modelId, name: r.value.modelName, provider: r.value.provider } });
  },
  setEmbedding: (embedding) => set({ embedding }),
  setSaveState: (saveState) => set({ saveState }),
  notify: (notice) => set({ notice }),
  toggleLabelHidden: (id) => set({ hiddenLabels: toggled(get().hiddenLabels, id) }),
  toggleLabelLocked: (id) => set({ lockedLabels: toggled(get().lockedLabels, id) }),
  refreshShortcuts: async () => {
    const r = await api().settings.get({});
    if (r.ok) set({ shortcuts: r.value.shortcuts });
  },
  setShortcuts: async (shortcuts) => {
    const r = await api().settings.update({ shortcuts });
    if (!r.ok) return get().notify({ kind: 'error', text: r.error.message });
    set({ shortcuts: r.value.shortcuts });
  },
}));

function toggled<T>(set: ReadonlySet<T>, value: T): ReadonlySet<T> {
  const next = new Set(set);
  if (!next.delete(value)) next.add(value);
  return next;
}
