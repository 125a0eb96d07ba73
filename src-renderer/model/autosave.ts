import { type ImageId, type AnnotationId } from '@contract';
import {
  type Annotation,
  FIRST_LOCAL_ID,
  type StoredAnnotationFields,
  storedFields,
  storedFieldsEqual,
} from './annotation';
import { type AnnotationDoc, createDoc } from './document';
import { EMPTY_PATCH, isEmptyPatch, type Patch, squashPatches } from './patch';
import { rebaseOnto } from './rebase';

/** A patch as the backend takes it: backend ids, and a client id for each added annotation. */
export interface OutgoingPatch {
  readonly added: ReadonlyArray<StoredAnnotationFields & { readonly clientId: string }>;
  readonly updated: ReadonlyArray<StoredAnnotationFields & { readonly id: AnnotationId }>;
  readonly removed: readonly AnnotationId[];
}

export type SaveResult =
  | {
      readonly kind: 'saved';
      readonly revision: number;
      readonly assigned: ReadonlyArray<{ readonly clientId: string; readonly id: AnnotationId }>;
    }
  | { readonly kind: 'conflict' };

export type SaveFn = (imageId: ImageId, patch: OutgoingPatch, baseRevision: number) => Promise<SaveResult>;

export interface LoadedAnnotations {
  readonly revision: number;
  readonly items: ReadonlyArray<StoredAnnotationFields & { readonly id: AnnotationId }>;
}
export type LoadFn = (imageId: ImageId) => Promise<LoadedAnnotations>;

export type SaveState =
  | { readonly kind: 'saved' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'error'; readonly message: string };

/** What the editor must do after a conflict: show `serverDoc` with `patch` (the rebased edits) applied. */
export interface RebaseNotice {
  readonly imageId: ImageId;
  readonly serverDoc: AnnotationDoc;
  readonly patch: Patch;
  readonly dropped: number;
}

export interface AutosaveOptions {
  readonly save: SaveFn;
  readonly load: LoadFn;
  readonly onRebase: (notice: RebaseNotice) => void;
  readonly debounceMs?: number;
  /** First retry delay after a failed save; it doubles up to 30 s. */
  readonly retryMs?: number;
  readonly maxConflictRetries?: number;
}

interface ImageQueue {
  revision: number;
  pending: Patch;
  inflight: Patch | null;
  timer: ReturnType<typeof setTimeout> | null;
  error: string | null;
  retryMs: number;
  conflicts: number;
}

const MAX_RETRY_MS = 30_000;

/**
 * Debounced, ordered saving of patches per image, with the base revision the backend checks. Local ids of
 * new annotations are mapped to the ids the backend assigns; the document keeps its local ids.
 */
export class AutosaveQueue {
  private readonly queues = new Map<ImageId, ImageQueue>();
  private readonly toServer = new Map<AnnotationId, AnnotationId>();
  private readonly toLocal = new Map<AnnotationId, AnnotationId>();
  private readonly listeners = new Set<() => void>();
  private idleWaiters: Array<() => void> = [];
  private readonly debounceMs: number;
  private readonly firstRetryMs: number;
  private readonly maxConflicts: number;

  /**
   * Client ids are unique across sessions (local ids restart at every load): the backend treats an add
   * whose client id it already stored as a re-send, and answers with the stored annotation.
   */
  private readonly sessionPrefix = globalThis.crypto.randomUUID();

  private clientIdOf(localId: AnnotationId): string {
    return `${this.sessionPrefix}:${localId}`;
  }

  constructor(private readonly opts: AutosaveOptions) {
    this.debounceMs = opts.debounceMs ?? 500;
    this.firstRetryMs = opts.retryMs ?? 1000;
    this.maxConflicts = opts.maxConflictRetries ?? 3;
  }

  /** Declares the revision an image was loaded at. Call before the first edit of that image. */
  setBaseRevision(imageId: ImageId, revision: number): void {
    this.queueOf(imageId).revision = revision;
  }

  enqueue(imageId: ImageId, patch: Patch): void {
    if (isEmptyPatch(patch)) return;
    const q = this.queueOf(imageId);
    q.pending = squashPatches(q.pending, patch);
    this.schedule(imageId, q, this.debounceMs);
    this.emit();
  }

  status(imageId: ImageId): SaveState {
    const q = this.queues.get(imageId);
    if (!q) return { kind: 'saved' };
    if (q.error !== null) return { kind: 'error', message: q.error };
    if (q.inflight !== null) return { kind: 'saving' };
    if (!isEmptyPatch(q.pending)) return { kind: 'pending' };
    return { kind: 'saved' };
  }

  /** The worst state over all images: error, then saving, then pending. */
  overallStatus(): SaveState {
    let worst: SaveState = { kind: 'saved' };
    const rank = { saved: 0, pending: 1, saving: 2, error: 3 } as const;
    for (const id of this.queues.keys()) {
      const s = this.status(id);
      if (rank[s.kind] > rank[worst.kind]) worst = s;
    }
    return worst;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends everything now; resolves true when all is saved, false if a save failed. */
  async flush(): Promise<boolean> {
    for (const [imageId, q] of this.queues) {
      if (q.inflight === null && !isEmptyPatch(q.pending)) this.schedule(imageId, q, 0);
    }
    while (this.isBusy()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    return this.overallStatus().kind === 'saved';
  }

  /** The backend id of a local annotation id (identity for annotations loaded from the backend). */
  serverIdOf(localId: AnnotationId): AnnotationId | undefined {
    return this.toServer.get(localId) ?? (localId < FIRST_LOCAL_ID ? localId : undefined);
  }

  localIdOf(serverId: AnnotationId): AnnotationId {
    return this.toLocal.get(serverId) ?? serverId;
  }

  dispose(): void {
    for (const q of this.queues.values()) if (q.timer !== null) clearTimeout(q.timer);
    this.listeners.clear();
  }

  private isBusy(): boolean {
    for (const q of this.queues.values()) {
      if (q.error !== null) continue;
      if (q.inflight !== null || !isEmptyPatch(q.pending)) return true;
    }
    return false;
  }

  private queueOf(imageId: ImageId): ImageQueue {
    let q = this.queues.get(imageId);
    if (!q) {
      q = {
        revision: 0,
        pending: EMPTY_PATCH,
        inflight: null,
        timer: null,
        error: null,
        retryMs: 0,
        conflicts: 0,
      };
      this.queues.set(imageId, q);
    }
    return q;
  }

  private emit(): void {
    for (const l of this.listeners) l();
    if (!this.isBusy()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private schedule(imageId: ImageId, q: ImageQueue, delayMs: number): void {
    if (q.timer !== null) clearTimeout(q.timer);
    q.timer = setTimeout(() => {
      q.timer = null;
      if (q.inflight === null) void this.send(imageId, q);
    }, delayMs);
  }

  private toOutgoing(p: Patch): OutgoingPatch {
    const added: Array<StoredAnnotationFields & { clientId: string }> = [];
    const updated: Array<StoredAnnotationFields & { id: AnnotationId }> = [];
    const removed: AnnotationId[] = [];
    for (const a of p.added) added.push({ ...storedFields(a), clientId: this.clientIdOf(a.id) });
    for (const u of p.updated) {
      if (storedFieldsEqual(u.from, u.to)) continue; // hidden/locked are not stored
      const id = this.serverIdOf(u.to.id);
      if (id === undefined) added.push({ ...storedFields(u.to), clientId: this.clientIdOf(u.to.id) });
      else updated.push({ ...storedFields(u.to), id });
    }
    for (const a of p.removed) {
      const id = this.serverIdOf(a.id);
      if (id !== undefined) removed.push(id);
    }
    return { added, updated, removed };
  }

  private async send(imageId: ImageId, q: ImageQueue): Promise<void> {
    const patch = q.pending;
    const outgoing = this.toOutgoing(patch);
    q.pending = EMPTY_PATCH;
    if (outgoing.added.length === 0 && outgoing.updated.length === 0 && outgoing.removed.length === 0) {
      this.emit();
      return;
    }
    q.inflight = patch;
    q.error = null;
    this.emit();
    try {
      const result = await this.opts.save(imageId, outgoing, q.revision);
      switch (result.kind) {
        case 'saved':
          this.recordIds(result.assigned);
          q.revision = result.revision;
          q.inflight = null;
          q.retryMs = 0;
          q.conflicts = 0;
          if (!isEmptyPatch(q.pending)) this.schedule(imageId, q, this.debounceMs);
          break;
        case 'conflict':
          await this.resolveConflict(imageId, q);
          break;
      }
    } catch (err) {
      this.fail(imageId, q, err instanceof Error ? err.message : String(err));
    }
    this.emit();
  }

  private async resolveConflict(imageId: ImageId, q: ImageQueue): Promise<void> {
    q.conflicts++;
    if (q.conflicts > this.maxConflicts) {
      q.conflicts = 0;
      this.fail(
        imageId,
        q,
        `image ${imageId} kept changing on the server; ${this.maxConflicts} rebases failed`,
      );
      return;
    }
    const loaded = await this.opts.load(imageId);
    const serverDoc = createDoc(
      imageId,
      // Fields are picked one by one: the backend's rows carry more (imageId…) than the editor keeps.
      loaded.items.map((item): Annotation => ({
        id: this.localIdOf(item.id),
        ...storedFields(item),
        hidden: false,
        locked: false,
      })),
    );
    const unsaved = squashPatches(q.inflight ?? EMPTY_PATCH, q.pending);
    const { patch, dropped } = rebaseOnto(serverDoc, unsaved);
    q.revision = loaded.revision;
    q.inflight = null;
    q.pending = patch;
    this.opts.onRebase({ imageId, serverDoc, patch, dropped });
    if (!isEmptyPatch(patch)) this.schedule(imageId, q, 0);
  }

  private fail(imageId: ImageId, q: ImageQueue, message: string): void {
    q.pending = squashPatches(q.inflight ?? EMPTY_PATCH, q.pending);
    q.inflight = null;
    q.error = `saving image ${imageId} failed: ${message}`;
    q.retryMs = Math.min(MAX_RETRY_MS, q.retryMs === 0 ? this.firstRetryMs : q.retryMs * 2);
    this.schedule(imageId, q, q.retryMs);
  }

  private recordIds(assigned: ReadonlyArray<{ clientId: string; id: AnnotationId }>): void {
    for (const { clientId, id } of assigned) {
      const local = Number(clientId.slice(clientId.lastIndexOf(':') + 1)) as AnnotationId;
      this.toServer.set(local, id);
      this.toLocal.set(id, local);
    }
  }
}
