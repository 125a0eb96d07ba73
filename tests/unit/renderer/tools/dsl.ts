import { type Geometry, type AnnotationId, type LabelId, asAnnotationId, asLabelId } from '@contract';
import { type Annotation, createIdAllocator } from '../../../../src-renderer/model/annotation';
import { listAnnotations } from '../../../../src-renderer/model/document';
import { EditorStore } from '../../../../src-renderer/model/editor-store';
import { type LabelStates } from '../../../../src-renderer/model/visibility';
import {
  type ConvertFn,
  memoryLabelSource,
  type SegmentFn,
  ToolController,
} from '../../../../src-renderer/tools/controller';
import {
  type Modifiers,
  type PointerButton,
  type ToolName,
  type ToolOverlay,
} from '../../../../src-renderer/tools/tool-types';
import { IMAGE, LABEL_A } from '../fixtures';

export interface PointerOptions extends Partial<Modifiers> {
  readonly button?: PointerButton;
}

export interface EditorSetup {
  readonly annotations?: readonly Annotation[];
  readonly tool?: ToolName;
  readonly segment?: SegmentFn;
  readonly convert?: ConvertFn;
  readonly imageWidthPx?: number;
  readonly imageHeightPx?: number;
  /** Image pixels per screen pixel (2 = zoomed out to 50 %). */
  readonly scale?: number;
  readonly firstNewId?: number;
  readonly labelStates?: LabelStates;
  /** The active label; default LABEL_A, null for a project without labels. */
  readonly activeLabelId?: LabelId | null;
}

/** Hotkey n ↦ label n, for n ≤ 5. */
export const hotkeyLabel = (digit: number): LabelId | null => (digit <= 5 ? asLabelId(digit) : null);

/**
 * The tool test DSL: drives a real ToolController + EditorStore with pointer and key helpers in image
 * coordinates, and reads back the document, the selection and the tool's overlays.
 */
export class ToolDriver {
  readonly store: EditorStore;
  readonly ctl: ToolController;
  readonly errors: string[] = [];
  /** How often a tool asked for a label because none existed. */
  needLabel = 0;
  readonly labels: ReturnType<typeof memoryLabelSource>;

  constructor(setup: EditorSetup = {}) {
    this.store = new EditorStore({ idAllocator: createIdAllocator(setup.firstNewId ?? 100) });
    this.store.openImage(IMAGE, setup.annotations ?? []);
    this.labels = memoryLabelSource(
      setup.activeLabelId === undefined ? LABEL_A : setup.activeLabelId,
      setup.labelStates,
    );
    this.ctl = new ToolController({
      store: this.store,
      labels: this.labels,
      onNeedLabel: () => this.needLabel++,
      labelForHotkey: hotkeyLabel,
      onError: (m) => this.errors.push(m),
      ...(setup.segment ? { segment: setup.segment } : {}),
      ...(setup.convert ? { convert: setup.convert } : {}),
    });
    this.ctl.setImageSize(setup.imageWidthPx ?? 200, setup.imageHeightPx ?? 100);
    this.ctl.setImagePxPerScreenPx(setup.scale ?? 1);
    if (setup.tool) this.ctl.setTool(setup.tool);
  }

  private mods(o: PointerOptions = {}): Modifiers {
    return { alt: o.alt ?? false, shift: o.shift ?? false, ctrl: o.ctrl ?? false };
  }

  tool(name: ToolName): this {
    this.ctl.setTool(name);
    return this;
  }

  down(x: number, y: number, o: PointerOptions = {}): this {
    this.ctl.dispatch({ kind: 'pointer-down', x, y, button: o.button ?? 'left', ...this.mods(o) });
    return this;
  }

  move(x: number, y: number, o: PointerOptions = {}): this {
    this.ctl.dispatch({ kind: 'pointer-move', x, y, ...this.mods(o) });
    return this;
  }

  up(x: number, y: number, o: PointerOptions = {}): this {
    this.ctl.dispatch({ kind: 'pointer-up', x, y, button: o.button ?? 'left', ...this.mods(o) });
    return this;
  }

  click(x: number, y: number, o: PointerOptions = {}): this {
    return this.down(x, y, o).up(x, y, o);
  }

  dblclick(x: number, y: number, o: PointerOptions = {}): this {
    this.click(x, y, o).click(x, y, o);
    this.ctl.dispatch({ kind: 'double-click', x, y, ...this.mods(o) });
    return this;
  }

  /** Press at `from`, move in `steps` even steps to `to`, release there. */
  drag(from: [number, number], to: [number, number], o: PointerOptions & { steps?: number } = {}): this {
    const steps = o.steps ?? 4;
    this.down(from[0], from[1], o);
    for (let i = 1; i <= steps; i++) {
      this.move(from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps, o);
    }
    return this.up(to[0], to[1], o);
  }

  /** Keys as "Enter", "ctrl+z", "ctrl+shift+z", "alt+3", "[" … */
  key(combo: string): this {
    const parts = combo === '+' ? ['+'] : combo.split('+');
    const key = parts.pop() ?? '';
    this.ctl.dispatch({
      kind: 'key-down',
      key,
      ctrl: parts.includes('ctrl'),
      shift: parts.includes('shift'),
      alt: parts.includes('alt'),
    });
    return this;
  }

  keys(...combos: string[]): this {
    for (const c of combos) this.key(c);
    return this;
  }

  get annotations(): readonly Annotation[] {
    return listAnnotations(this.store.getSnapshot().history!.doc);
  }

  get selection(): readonly AnnotationId[] {
    return this.store.getSnapshot().selection;
  }

  get undoDepth(): number {
    return this.store.getSnapshot().history!.undoStack.length;
  }

  get overlays(): readonly ToolOverlay[] {
    return this.ctl.getSnapshot().overlays;
  }

  get proposals() {
    return this.store.getSnapshot().proposals;
  }

  annotation(id: number): Annotation | undefined {
    return this.store.getSnapshot().history!.doc.byId.get(asAnnotationId(id));
  }

  geometry(id: number): Geometry | undefined {
    return this.annotation(id)?.geometry;
  }

  select(...ids: number[]): this {
    this.store.setSelection(ids.map(asAnnotationId));
    return this;
  }
}

export function editor(setup: EditorSetup = {}): ToolDriver {
  return new ToolDriver(setup);
}
