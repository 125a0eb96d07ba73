import { type AnnotationId, type ImageId, type LabelId } from '@contract';
import { type Annotation, createIdAllocator, type IdAllocator } from './annotation';
import { type RebaseNotice } from './autosave';
import { type Command } from './commands';
import { applyPatch, createDoc } from './document';
import * as hist from './history';
import { type EditHistory, type HistoryResult } from './history';
import { type Patch } from './patch';
import {
  acceptProposalsPatch,
  type Proposal,
  type ProposalList,
  type ProposalOrigin,
  removeProposals,
  replaceProposals,
} from './proposals';

export interface EditorSnapshot {
  readonly imageId: ImageId | null;
  /** History (and document) of the current image; null before an image is opened. */
  readonly history: EditHistory | null;
  readonly proposals: ProposalList;
  readonly selection: readonly AnnotationId[];
}

export interface EditorStoreOptions {
  /** Called with every patch applied to an image's document (wire it to `AutosaveQueue.enqueue`). */
  readonly onApplied?: (imageId: ImageId, patch: Patch) => void;
  readonly idAllocator?: IdAllocator;
}

interface ImageSession {
  history: EditHistory;
  proposals: ProposalList;
  selection: readonly AnnotationId[];
}

/**
 * The editor state of every opened image (per-image history, proposals and selection), as an external store
 * for React's useSyncExternalStore: `getSnapshot` returns the same object until something changes.
 */
export class EditorStore {
  readonly ids: IdAllocator;
  private readonly sessions = new Map<ImageId, ImageSession>();
  private current: ImageId | null = null;
  private snapshot: EditorSnapshot = { imageId: null, history: null, proposals: [], selection: [] };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly opts: EditorStoreOptions = {}) {
    this.ids = opts.idAllocator ?? createIdAllocator();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): EditorSnapshot => this.snapshot;

  isOpen(imageId: ImageId): boolean {
    return this.sessions.has(imageId);
  }

  /**
   * Makes `imageId` current. The first time, `annotations` become its document; an image opened before keeps
   * its document and history (undo survives switching images).
   */
  openImage(imageId: ImageId, annotations: readonly Annotation[] = []): void {
    if (!this.sessions.has(imageId)) {
      this.sessions.set(imageId, {
        history: hist.createHistory(createDoc(imageId, annotations)),
        proposals: [],
        selection: [],
      });
    }
    this.current = imageId;
    this.publish();
  }

  /** Forgets an image's history (e.g. when a project closes). */
  closeImage(imageId: ImageId): void {
    this.sessions.delete(imageId);
    if (this.current === imageId) this.current = null;
    this.publish();
  }

  run(command: Command): Patch {
    const s = this.requireSession();
    return this.applyResult(s, hist.applyEdit(s.history, command(s.history.doc)));
  }

  apply(patch: Patch): Patch {
    const s = this.requireSession();
    return this.applyResult(s, hist.applyEdit(s.history, patch));
  }

  beginStep(): void {
    const s = this.requireSession();
    s.history = hist.beginStep(s.history);
    this.publish();
  }

  endStep(): void {
    const s = this.requireSession();
    s.history = hist.endStep(s.history);
    this.publish();
  }

  cancelStep(): void {
    const s = this.requireSession();
    this.applyResult(s, hist.cancelStep(s.history));
  }

  undo(): void {
    const s = this.requireSession();
    this.applyResult(s, hist.undo(s.history));
  }

  redo(): void {
    const s = this.requireSession();
    this.applyResult(s, hist.redo(s.history));
  }

  setSelection(ids: readonly AnnotationId[]): void {
    const s = this.requireSession();
    s.selection = ids;
    this.publish();
  }

  setProposals(origin: ProposalOrigin, proposals: readonly Proposal[], imageId = this.current): void {
    const s = imageId === null ? undefined : this.sessions.get(imageId);
    if (!s) return;
    s.proposals = replaceProposals(s.proposals, origin, proposals);
    this.publish();
  }

  rejectProposals(keys: readonly string[] | 'all'): void {
    const s = this.requireSession();
    s.proposals = keys === 'all' ? [] : removeProposals(s.proposals, keys);
    this.publish();
  }

  /** Accepts proposals as one undoable patch; returns the new annotations' ids (they become the selection). */
  acceptProposals(keys: readonly string[] | 'all', fallbackLabelId: LabelId): AnnotationId[] {
    const s = this.requireSession();
    const chosen = keys === 'all' ? s.proposals : s.proposals.filter((p) => keys.includes(p.key));
    if (chosen.length === 0) return [];
    const patch = acceptProposalsPatch(chosen, this.ids, fallbackLabelId);
    s.proposals = removeProposals(
      s.proposals,
      chosen.map((p) => p.key),
    );
    s.selection = patch.added.map((a) => a.id);
    this.applyResult(s, hist.applyEdit(s.history, patch));
    return [...s.selection];
  }

  /** After an autosave conflict: the server's document plus the rebased local edits; flags are kept. */
  applyRebase(notice: RebaseNotice): void {
    const s = this.sessions.get(notice.imageId);
    if (!s) return;
    const local = s.history.doc.byId;
    const server = createDoc(
      notice.imageId,
      [...notice.serverDoc.byId.values()].map((a) => {
        const mine = local.get(a.id);
        return mine ? { ...a, hidden: mine.hidden, locked: mine.locked } : a;
      }),
    );
    s.history = hist.replaceDoc(s.history, applyPatch(server, notice.patch));
    s.selection = s.selection.filter((id) => s.history.doc.byId.has(id));
    this.publish();
  }

  private requireSession(): ImageSession {
    const s = this.current === null ? undefined : this.sessions.get(this.current);
    if (!s || this.current === null) throw new Error('no image is open in the editor');
    return s;
  }

  private applyResult(s: ImageSession, result: HistoryResult): Patch {
    s.history = result.history;
    if (result.applied.removed.length > 0) {
      s.selection = s.selection.filter((id) => s.history.doc.byId.has(id));
    }
    const imageId = s.history.doc.imageId;
    if (result.applied.added.length + result.applied.updated.length + result.applied.removed.length > 0) {
      this.opts.onApplied?.(imageId, result.applied);
    }
    this.publish();
    return result.applied;
  }

  private publish(): void {
    const s = this.current === null ? undefined : this.sessions.get(this.current);
    this.snapshot = {
      imageId: this.current,
      history: s?.history ?? null,
      proposals: s?.proposals ?? [],
      selection: s?.selection ?? [],
    };
    for (const l of this.listeners) l();
  }
}
