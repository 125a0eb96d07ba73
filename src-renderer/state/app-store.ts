import { create } from 'zustand';
import {
  type ImageRow,
  type Label,
  type LabelId,
  type ProjectInfo,
  type ImageId,
  type ModelCapabilities,
  type ProviderStatus,
} from '@contract';
import { api } from '../bridge';
import { type LabelStates, NO_LABEL_STATES } from '../model/visibility';
import { type LabelSource } from '../tools/controller';

export type SaveState =
  | { readonly kind: 'saved' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'error'; readonly message: string };

export interface Notice {
  readonly kind: 'info' | 'error';
  readonly text: string;
}

/** Open an image and show this region of it (a search hit): [x, y, w, h] in image pixels. */
export interface FocusRequest {
  readonly imageId: ImageId;
  readonly bbox: readonly [number, number, number, number];
}

interface AppState {
  readonly project: ProjectInfo | null;
  readonly labels: readonly Label[];
  /** The label new shapes get; the one owner (the tool controller reads it through `appLabelSource`). */
  readonly activeLabelId: LabelId | null;
  /** Per-label view state: hidden labels are not drawn, locked ones cannot be edited. One owner, here. */
  readonly labelStates: LabelStates;
  readonly currentImage: ImageRow | null;
  readonly focus: FocusRequest | null;
  /** Bumped whenever the image list must refetch (import, status change). */
  readonly imagesVersion: number;
  readonly model: {
    id: string | null;
    name: string | null;
    provider: ProviderStatus;
    /** What the model understands (closed vocabulary, text, decoder), for the prompt bar. */
    capabilities: ModelCapabilities | null;
  } | null;
  readonly embedding: { imageId: ImageId; state: 'running' | 'done' | 'error' } | null;
  readonly saveState: SaveState;
  readonly notice: Notice | null;
  /** A tool asked for a label before drawing (the project has none): the label dialog is open. */
  readonly labelRequested: boolean;
  /** User rebindings (settings.shortcuts): action → key. */
  readonly shortcuts: Readonly<Record<string, string>>;
  setProject: (project: ProjectInfo | null) => void;
  refreshLabels: () => Promise<void>;
  setActiveLabel: (id: LabelId | null) => void;
  setCurrentImage: (row: ImageRow | null) => void;
  /** Opens an image (by id) and zooms to a region of it. */
  focusOn: (focus: FocusRequest) => Promise<void>;
  clearFocus: () => void;
  invalidateImages: () => void;
  refreshModel: () => Promise<void>;
  setEmbedding: (e: AppState['embedding']) => void;
  setSaveState: (s: SaveState) => void;
  notify: (notice: Notice | null) => void;
  requestLabel: (open: boolean) => void;
  refreshShortcuts: () => Promise<void>;
  toggleLabelHidden: (id: LabelId) => void;
  toggleLabelLocked: (id: LabelId) => void;
  setShortcuts: (shortcuts: Record<string, string>) => Promise<void>;
}

/** App-level UI state (the document itself lives in the editor model's EditorStore). */
export const useAppStore = create<AppState>((set, get) => ({
  project: null,
  labels: [],
  activeLabelId: null,
  labelStates: NO_LABEL_STATES,
  currentImage: null,
  focus: null,
  imagesVersion: 0,
  model: null,
  embedding: null,
  saveState: { kind: 'saved' },
  notice: null,
  labelRequested: false,
  shortcuts: {},
  setProject: (project) =>
    set({
      project,
      currentImage: null,
      focus: null,
      labels: [],
      activeLabelId: null,
      labelStates: NO_LABEL_STATES,
      imagesVersion: get().imagesVersion + 1,
    }),
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
  focusOn: async (focus) => {
    const current = get().currentImage;
    if (current?.id !== focus.imageId) {
      const r = await api().images.get({ imageId: focus.imageId });
      if (!r.ok) return get().notify({ kind: 'error', text: r.error.message });
      set({ currentImage: r.value });
    }
    set({ focus });
  },
  clearFocus: () => set({ focus: null }),
  invalidateImages: () => set({ imagesVersion: get().imagesVersion + 1 }),
  refreshModel: async () => {
    const r = await api().inference.status({});
    if (r.ok) {
      const { modelId, modelName, provider, capabilities } = r.value;
      set({ model: { id: modelId, name: modelName, provider, capabilities } });
    }
  },
  setEmbedding: (embedding) => set({ embedding }),
  setSaveState: (saveState) => set({ saveState }),
  notify: (notice) => set({ notice }),
  requestLabel: (open) => set({ labelRequested: open }),
  toggleLabelHidden: (id) => {
    const s = get().labelStates;
    set({ labelStates: { ...s, hiddenLabels: toggled(s.hiddenLabels, id) } });
  },
  toggleLabelLocked: (id) => {
    const s = get().labelStates;
    set({ labelStates: { ...s, lockedLabels: toggled(s.lockedLabels, id) } });
  },
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

/** The tool controller's view of the label state: it reads this store on every event, it keeps no copy. */
export const appLabelSource: LabelSource = {
  activeLabelId: () => useAppStore.getState().activeLabelId,
  setActiveLabel: (id) => useAppStore.getState().setActiveLabel(id),
  states: () => useAppStore.getState().labelStates,
};

function toggled<T>(set: ReadonlySet<T>, value: T): ReadonlySet<T> {
  const next = new Set(set);
  if (!next.delete(value)) next.add(value);
  return next;
}
