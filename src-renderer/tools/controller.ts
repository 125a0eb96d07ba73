import { type AnnotationId, type LabelId } from '@contract';
import {
  type ClipboardContent,
  copyAnnotations,
  duplicateAnnotations,
  pasteAnnotations,
  removeAnnotations,
  setLabel,
} from '../model/commands';
import { type EditorStore } from '../model/editor-store';
import { listAnnotations } from '../model/document';
import { type Proposal } from '../model/proposals';
import { isEditable, isVisible, type LabelStates, NO_LABEL_STATES } from '../model/visibility';
import { TOOLS } from './registry';
import { ShapeActions, type ConvertFn, type ConvertTarget } from './shape-actions';
import {
  type SegmentRequest,
  type SegmentResult,
  type ToolContext,
  type ToolEffect,
  type ToolEvent,
  type ToolName,
  type ToolOverlay,
} from './tool-types';

export type SegmentFn = (request: SegmentRequest) => Promise<readonly SegmentResult[]>;
export type { ConvertFn, ConvertTarget } from './shape-actions';

export const DEFAULT_TOOL_KEYS: Readonly<Record<string, ToolName>> = {
  v: 'select',
  b: 'box',
  o: 'rotated-box',
  p: 'polygon',
  l: 'polyline',
  k: 'point',
  r: 'brush',
  e: 'eraser',
  s: 'click-segment',
};

/**
 * The one owner of the active label and the per-label hidden/locked states (the app store in the app, a
 * plain object in tests). The controller reads it on every event and never keeps a copy.
 */
export interface LabelSource {
  activeLabelId(): LabelId | null;
  setActiveLabel(labelId: LabelId): void;
  states(): LabelStates;
}

/** A LabelSource over plain variables, for tests and tools used outside the app. */
export function memoryLabelSource(active: LabelId | null, states: LabelStates = NO_LABEL_STATES) {
  const source = {
    active,
    labelStates: states,
    activeLabelId: () => source.active,
    setActiveLabel: (id: LabelId) => {
      source.active = id;
    },
    states: () => source.labelStates,
  };
  return source;
}

export interface ToolControllerOptions {
  readonly store: EditorStore;
  readonly labels: LabelSource;
  readonly segment?: SegmentFn;
  readonly convert?: ConvertFn;
  /** The label for hotkey 1–9; null when that digit has no label. */
  readonly labelForHotkey?: (digit: number) => LabelId | null;
  readonly toolKeys?: Readonly<Record<string, ToolName>>;
  readonly onError?: (message: string) => void;
  /** A new shape needs a label and the project has none: ask for one (nothing was drawn). */
  readonly onNeedLabel?: () => void;
}

export interface ControllerSnapshot {
  readonly tool: ToolName;
  readonly cursor: string;
  readonly overlays: readonly ToolOverlay[];
  /** A click segmentation or a conversion is running. */
  readonly busy: boolean;
}

/**
 * Runs the active tool: turns pointer/keyboard events (image coordinates) into tool steps, carries out their
 * effects on the editor store, and handles the shortcuts every tool shares (undo/redo, delete, duplicate,
 * copy/paste, label hotkeys 1–9, Enter/Esc on proposals).
 */
export class ToolController {
  private toolName: ToolName = 'select';
  private readonly states = new Map<ToolName, unknown>();
  private image = { widthPx: 1, heightPx: 1 };
  private imagePxPerScreenPx = 1;
  private clipboard: ClipboardContent | null = null;
  private segmentSeq = 0;
  private busyCount = 0;
  private snapshot: ControllerSnapshot;
  private readonly listeners = new Set<() => void>();

  private readonly shapes: ShapeActions;

  constructor(private readonly opts: ToolControllerOptions) {
    this.shapes = new ShapeActions({
      store: opts.store,
      ...(opts.convert ? { convert: opts.convert } : {}),
      onError: (m) => opts.onError?.(m),
      image: () => this.image,
      editableSelection: () => {
        const ctx = this.context();
        return ctx ? { imageId: ctx.imageId, ids: this.editableSelection(ctx) } : null;
      },
      setBusy: (delta) => this.setBusy(delta),
    });
    this.snapshot = this.makeSnapshot();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ControllerSnapshot => this.snapshot;

  setTool(name: ToolName): void {
    if (name === this.toolName) return;
    this.dispatchToTool({ kind: 'key-down', key: 'Escape', alt: false, shift: false, ctrl: false });
    this.toolName = name;
    this.publish();
  }

  /** The current image's size: new masks and pasted shapes are fitted to it. */
  setImageSize(widthPx: number, heightPx: number): void {
    this.image = { widthPx, heightPx };
  }

  /** Image pixels per screen pixel at the current zoom (handles and thresholds are in screen pixels). */
  setImagePxPerScreenPx(value: number): void {
    this.imagePxPerScreenPx = value;
  }

  dispatch(ev: ToolEvent): void {
    if (!this.context()) return;
    const consumed = this.dispatchToTool(ev);
    if (!consumed && ev.kind === 'key-down') this.globalKey(ev);
  }

  deleteSelection(): void {
    const ctx = this.context();
    if (!ctx) return;
    this.opts.store.run(removeAnnotations(this.editableSelection(ctx)));
  }

  duplicateSelection(): void {
    const ctx = this.context();
    if (!ctx) return;
    const patch = this.opts.store.run(duplicateAnnotations(this.editableSelection(ctx), this.opts.store.ids));
    this.opts.store.setSelection(patch.added.map((a) => a.id));
  }

  copySelection(): void {
    const ctx = this.context();
    if (!ctx || ctx.selection.length === 0) return;
    this.clipboard = copyAnnotations(ctx.doc, ctx.selection);
  }

  /** Pastes into the current image (any image: the clipboard outlives image switches). */
  paste(): void {
    if (!this.clipboard || !this.context()) return;
    const { widthPx, heightPx } = this.image;
    const patch = this.opts.store.run(
      pasteAnnotations(this.clipboard, this.opts.store.ids, widthPx, heightPx),
    );
    this.opts.store.setSelection(patch.added.map((a) => a.id));
  }

  /** Hotkey n: relabels the editable selection, and makes the label the active one for new shapes. */
  applyLabel(labelId: LabelId): void {
    this.opts.labels.setActiveLabel(labelId);
    const ctx = this.context();
    if (!ctx) return;
    this.opts.store.run(setLabel(this.editableSelection(ctx), labelId));
  }

  /** Converts the selected masks to polygons (or polygons/boxes to masks) as one undoable step. */
  convertSelection(target: ConvertTarget, tolerancePx: number): Promise<void> {
    return this.shapes.convert(target, tolerancePx);
  }

  /** Merges the selected shapes into one (one undoable step); the result is selected. */
  mergeSelection(): Promise<void> {
    return this.shapes.merge();
  }

  /** Splits each selected shape into its separate parts (one undoable step); the parts are selected. */
  splitSelection(): void {
    this.shapes.split();
  }

  private setBusy(delta: number): void {
    this.busyCount = Math.max(0, this.busyCount + delta);
    this.publish();
  }

  private editableSelection(ctx: ToolContext): AnnotationId[] {
    return ctx.selection.filter((id) => {
      const a = ctx.doc.byId.get(id);
      return a !== undefined && isEditable(a, ctx.labels);
    });
  }

  private context(): ToolContext | null {
    const snap = this.opts.store.getSnapshot();
    if (!snap.history || snap.imageId === null) return null;
    return {
      imageId: snap.imageId,
      doc: snap.history.doc,
      selection: snap.selection,
      labels: this.opts.labels.states(),
      activeLabelId: this.opts.labels.activeLabelId(),
      imageWidthPx: this.image.widthPx,
      imageHeightPx: this.image.heightPx,
      imagePxPerScreenPx: this.imagePxPerScreenPx,
      ids: this.opts.store.ids,
    };
  }

  private dispatchToTool(ev: ToolEvent): boolean {
    const tool = TOOLS[this.toolName];
    const ctx = this.context();
    if (!ctx) return false;
    const state = this.states.has(this.toolName) ? this.states.get(this.toolName) : tool.initial();
    const result = tool.handle(state as never, ev, ctx);
    this.states.set(this.toolName, result.state);
    for (const effect of result.effects) this.run(effect);
    this.publish();
    return result.consumed;
  }

  private run(effect: ToolEffect): void {
    const store = this.opts.store;
    switch (effect.kind) {
      case 'begin-step':
        store.beginStep();
        return;
      case 'apply':
        store.apply(effect.patch);
        return;
      case 'end-step':
        store.endStep();
        return;
      case 'cancel-step':
        store.cancelStep();
        return;
      case 'select':
        store.setSelection(effect.ids);
        return;
      case 'accept-proposals': {
        const keys = store
          .getSnapshot()
          .proposals.filter((p) => p.origin === effect.origin)
          .map((p) => p.key);
        if (!this.acceptProposals(keys)) return;
        this.segmentSeq++;
        return;
      }
      case 'need-label':
        this.opts.onNeedLabel?.();
        return;
      case 'clear-proposals': {
        const keys = store
          .getSnapshot()
          .proposals.filter((p) => p.origin === effect.origin)
          .map((p) => p.key);
        store.rejectProposals(keys);
        this.segmentSeq++;
        return;
      }
      case 'segment':
        void this.requestSegment(effect.request);
        return;
    }
  }

  /** The newest request wins: a result that arrives after a newer request (or an Esc) is dropped. */
  private async requestSegment(request: SegmentRequest): Promise<void> {
    const segment = this.opts.segment;
    if (!segment) return;
    const seq = ++this.segmentSeq;
    this.setBusy(+1);
    try {
      const results = await segment(request);
      if (seq !== this.segmentSeq) return;
      const proposals: Proposal[] = results.map((r, i) => ({
        key: `click-${seq}-${i}`,
        origin: 'click',
        geometry: r.geometry,
        labelId: null,
        score: r.score,
      }));
      this.opts.store.setProposals('click', proposals, request.imageId);
    } catch (err) {
      if (seq === this.segmentSeq)
        this.opts.onError?.(`segmentation failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.setBusy(-1);
    }
  }

  /** Accepts proposals with the active label; with no label yet, asks for one and keeps the proposals. */
  private acceptProposals(keys: readonly string[] | 'all'): boolean {
    const labelId = this.opts.labels.activeLabelId();
    if (labelId === null) {
      this.opts.onNeedLabel?.();
      return false;
    }
    this.opts.store.acceptProposals(keys, labelId);
    return true;
  }

  private globalKey(ev: Extract<ToolEvent, { kind: 'key-down' }>): void {
    const store = this.opts.store;
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    if (ev.ctrl) {
      if (key === 'z' && !ev.shift) store.undo();
      else if ((key === 'z' && ev.shift) || key === 'y') store.redo();
      else if (key === 'c') this.copySelection();
      else if (key === 'x') {
        this.copySelection();
        this.deleteSelection();
      } else if (key === 'v') this.paste();
      else if (key === 'd') this.duplicateSelection();
      else if (key === 'a') this.selectAll();
      return;
    }
    if (/^[1-9]$/.test(key) && !ev.alt) {
      const labelId = this.opts.labelForHotkey?.(Number(key));
      if (labelId != null) this.applyLabel(labelId);
      return;
    }
    const proposals = store.getSnapshot().proposals;
    switch (key) {
      case 'Delete':
      case 'Backspace':
        this.deleteSelection();
        return;
      case 'Enter':
        if (proposals.length > 0) this.acceptProposals('all');
        return;
      case 'Escape':
        if (proposals.length > 0) store.rejectProposals('all');
        else store.setSelection([]);
        return;
      default: {
        const tool = (this.opts.toolKeys ?? DEFAULT_TOOL_KEYS)[key];
        if (tool && !ev.alt && !ev.shift) this.setTool(tool);
      }
    }
  }

  private selectAll(): void {
    const ctx = this.context();
    if (!ctx) return;
    this.opts.store.setSelection(
      listAnnotations(ctx.doc)
        .filter((a) => isVisible(a, ctx.labels))
        .map((a) => a.id),
    );
  }

  private makeSnapshot(): ControllerSnapshot {
    const tool = TOOLS[this.toolName];
    const state = this.states.has(this.toolName) ? this.states.get(this.toolName) : tool.initial();
    return {
      tool: this.toolName,
      cursor: tool.cursor,
      overlays: tool.overlay(state as never),
      busy: this.busyCount > 0,
    };
  }

  private publish(): void {
    this.snapshot = this.makeSnapshot();
    for (const l of this.listeners) l();
  }
}
