import { type Geometry, type AnnotationId, type ImageId, isRegion } from '@contract';
import { type EditorStore } from '../model/editor-store';
import { mergeAnnotations, mergedGeometry, splitAnnotation } from '../model/merge-split';
import { EMPTY_PATCH, type Patch, squashPatches } from '../model/patch';

export type ConvertTarget = 'polygon' | 'mask';
export type ConvertFn = (
  geometry: Geometry,
  target: ConvertTarget,
  tolerancePx: number,
  image: { readonly widthPx: number; readonly heightPx: number },
) => Promise<Geometry>;

export interface ShapeActionsOptions {
  readonly store: EditorStore;
  /** Server-side conversion (exact rasterisation, contours with holes). */
  readonly convert?: ConvertFn;
  readonly onError: (message: string) => void;
  readonly image: () => { readonly widthPx: number; readonly heightPx: number };
  /** The current image and its editable selection (visible, unlocked); null when no image is open. */
  readonly editableSelection: () => { imageId: ImageId; ids: AnnotationId[] } | null;
  readonly setBusy: (delta: number) => void;
}

/**
 * Edits of whole selected shapes: convert (mask ↔ polygon), merge, split. Each is one undoable step; a
 * step that needs the backend (rasterising) is applied only if the same image is still open after it.
 */
export class ShapeActions {
  constructor(private readonly opts: ShapeActionsOptions) {}

  async convert(target: ConvertTarget, tolerancePx: number): Promise<void> {
    const sel = this.opts.editableSelection();
    const convert = this.opts.convert;
    if (!sel || !convert) return;
    const doc = this.opts.store.getSnapshot().history?.doc;
    const sources = sel.ids
      .map((id) => doc?.byId.get(id))
      .filter((a) => a !== undefined && a.geometry.kind !== target && a.geometry.kind !== 'point');
    if (sources.length === 0) return;
    await this.busy(`conversion to ${target}`, async () => {
      const converted = await Promise.all(
        sources.map((a) => convert(a!.geometry, target, tolerancePx, this.opts.image())),
      );
      const now = this.sameImage(sel.imageId);
      if (!now) return;
      const patches: Patch[] = sources.map((a, i) => {
        const from = now.byId.get(a!.id);
        const geometry = converted[i];
        return from && geometry
          ? { added: [], updated: [{ from, to: { ...from, geometry } }], removed: [] }
          : EMPTY_PATCH;
      });
      this.opts.store.apply(squashPatches(...patches));
    });
  }

  async merge(): Promise<void> {
    const sel = this.opts.editableSelection();
    const doc = this.opts.store.getSnapshot().history?.doc;
    if (!sel || !doc || sel.ids.length < 2) return;
    const sources = sel.ids.flatMap((id) => {
      const a = doc.byId.get(id);
      return a && isRegion(a.geometry) ? [a] : [];
    });
    if (sources.length < 2) return;
    const direct = mergedGeometry(sources.map((a) => a.geometry));
    let geometry: Geometry | 'needs-masks' = direct;
    if (direct === 'needs-masks') {
      const convert = this.opts.convert;
      if (!convert) return this.opts.onError('merge needs the backend to rasterise these shapes');
      const masks = await this.busy('merge', () =>
        Promise.all(
          sources.map((a) =>
            a.geometry.kind === 'mask'
              ? Promise.resolve(a.geometry)
              : convert(a.geometry, 'mask', 0, this.opts.image()),
          ),
        ),
      );
      if (!masks) return;
      geometry = mergedGeometry(masks);
    }
    if (geometry === 'needs-masks' || !this.sameImage(sel.imageId)) return;
    const patch = this.opts.store.run(
      mergeAnnotations(
        sources.map((a) => a.id),
        geometry,
        this.opts.store.ids,
      ),
    );
    this.opts.store.setSelection(patch.added.map((a) => a.id));
  }

  split(): void {
    const sel = this.opts.editableSelection();
    if (!sel) return;
    const ids = this.opts.store.ids;
    const patch = this.opts.store.run((doc) =>
      squashPatches(...sel.ids.map((id) => splitAnnotation(id, ids)(doc))),
    );
    if (patch.added.length > 0) this.opts.store.setSelection(patch.added.map((a) => a.id));
  }

  /** The open document when `imageId` is still the current image (the user may have moved on). */
  private sameImage(imageId: ImageId) {
    const snap = this.opts.store.getSnapshot();
    return snap.imageId === imageId ? (snap.history?.doc ?? null) : null;
  }

  private async busy<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    this.opts.setBusy(+1);
    try {
      return await work();
    } catch (err) {
      this.opts.onError(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    } finally {
      this.opts.setBusy(-1);
    }
  }
}
