import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AnnotationId, asAnnotationId } from '@contract';
import {
  type StoredAnnotationFields,
  createIdAllocator,
  storedFields,
} from '../../../../src-renderer/model/annotation';
import {
  AutosaveQueue,
  type LoadedAnnotations,
  type OutgoingPatch,
  type RebaseNotice,
  type SaveResult,
} from '../../../../src-renderer/model/autosave';
import {
  setAttribute,
  setGroup,
  setLabel,
  translateAnnotations,
} from '../../../../src-renderer/model/commands';
import { listAnnotations } from '../../../../src-renderer/model/document';
import { EditorStore } from '../../../../src-renderer/model/editor-store';
import { IMAGE, LABEL_A, LABEL_B, ann, box } from '../fixtures';

/** An in-memory backend with revisions, conflict detection and server-assigned ids. */
class FakeBackend {
  revision = 0;
  nextId = 500;
  rows = new Map<AnnotationId, StoredAnnotationFields>();
  calls: Array<{ patch: OutgoingPatch; base: number }> = [];
  failNext = 0;

  save = (_: unknown, patch: OutgoingPatch, base: number): Promise<SaveResult> => {
    this.calls.push({ patch, base });
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('disk full'));
    }
    if (base !== this.revision) return Promise.resolve({ kind: 'conflict' });
    for (const id of patch.removed) this.rows.delete(id);
    for (const u of patch.updated) this.rows.set(u.id, storedFields(u));
    const assigned = patch.added.map((a) => {
      const id = asAnnotationId(this.nextId++);
      this.rows.set(id, storedFields(a));
      return { clientId: a.clientId, id };
    });
    this.revision++;
    return Promise.resolve({ kind: 'saved', revision: this.revision, assigned });
  };

  load = (): Promise<LoadedAnnotations> =>
    Promise.resolve({ revision: this.revision, items: [...this.rows].map(([id, f]) => ({ ...f, id })) });
}

function setup(backend: FakeBackend) {
  const notices: RebaseNotice[] = [];
  let store: EditorStore | null = null;
  const queue = new AutosaveQueue({
    save: backend.save,
    load: backend.load,
    debounceMs: 300,
    onRebase: (n) => {
      notices.push(n);
      store?.applyRebase(n);
    },
  });
  store = new EditorStore({
    onApplied: (id, p) => queue.enqueue(id, p),
    idAllocator: createIdAllocator(10_000),
  });
  return { store, queue, notices };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('AutosaveQueue', () => {
  it('debounces edits into one squashed save with the base revision', async () => {
    const backend = new FakeBackend();
    backend.rows.set(asAnnotationId(1), storedFields(ann(1, box(0, 0, 5, 5))));
    backend.revision = 4;
    const { store, queue } = setup(backend);
    queue.setBaseRevision(IMAGE, 4);
    store.openImage(IMAGE, [ann(1, box(0, 0, 5, 5))]);
    for (let i = 0; i < 10; i++) store.run(translateAnnotations([asAnnotationId(1)], 1, 0));
    expect(queue.status(IMAGE)).toEqual({ kind: 'pending' });
    await vi.advanceTimersByTimeAsync(299);
    expect(backend.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.base).toBe(4);
    expect(backend.calls[0]!.patch.updated).toEqual([{ ...storedFields(ann(1, box(10, 0, 5, 5))), id: 1 }]);
    expect(queue.status(IMAGE)).toEqual({ kind: 'saved' });
    expect(backend.revision).toBe(5);
  });

  it('maps local ids of new annotations to the ids the backend assigns', async () => {
    const backend = new FakeBackend();
    const { store, queue } = setup(backend);
    store.openImage(IMAGE);
    store.apply({ added: [ann(10_000, box(1, 1, 1, 1))], updated: [], removed: [] });
    await vi.advanceTimersByTimeAsync(300);
    const sent = backend.calls[0]!.patch.added;
    expect(sent.map(({ clientId: _c, ...fields }) => fields)).toEqual([
      storedFields(ann(1, box(1, 1, 1, 1))),
    ]);
    // Unique across sessions (local ids restart at every load): "<session uuid>:<local id>".
    expect(sent[0]!.clientId).toMatch(/^[0-9a-f-]{36}:10000$/);
    expect(queue.serverIdOf(asAnnotationId(10_000))).toBe(500);
    store.run(setLabel([asAnnotationId(10_000)], LABEL_B));
    await vi.advanceTimersByTimeAsync(300);
    expect(backend.calls[1]!.patch.updated[0]).toMatchObject({ id: 500, labelId: LABEL_B });
    store.undo();
    store.undo();
    await vi.advanceTimersByTimeAsync(300);
    expect(backend.calls[2]!.patch).toEqual({ added: [], updated: [], removed: [500] });
    expect(backend.rows.size).toBe(0);
  });

  it('does not send hidden/locked-only changes, and add+remove before a save sends nothing', async () => {
    const backend = new FakeBackend();
    const { store, queue } = setup(backend);
    store.openImage(IMAGE, [ann(1, box(0, 0, 1, 1))]);
    store.apply({
      added: [],
      updated: [{ from: ann(1, box(0, 0, 1, 1)), to: ann(1, box(0, 0, 1, 1), { hidden: true }) }],
      removed: [],
    });
    store.apply({ added: [ann(10_000, box(1, 1, 1, 1))], updated: [], removed: [] });
    store.undo();
    await vi.advanceTimersByTimeAsync(1000);
    expect(backend.calls).toHaveLength(0);
    expect(queue.status(IMAGE)).toEqual({ kind: 'saved' });
  });

  it('on conflict reloads, rebases the unsaved edits on the server state and saves again', async () => {
    const backend = new FakeBackend();
    backend.rows.set(asAnnotationId(1), storedFields(ann(1, box(0, 0, 5, 5))));
    backend.rows.set(asAnnotationId(2), storedFields(ann(2, box(9, 9, 5, 5))));
    const { store, queue, notices } = setup(backend);
    store.openImage(IMAGE, [ann(1, box(0, 0, 5, 5)), ann(2, box(9, 9, 5, 5))]);
    // Someone else edits: adds an annotation and deletes annotation 2.
    backend.rows.set(asAnnotationId(3), storedFields(ann(3, box(50, 50, 5, 5))));
    backend.rows.delete(asAnnotationId(2));
    backend.revision = 1;
    store.run(setLabel([asAnnotationId(1), asAnnotationId(2)], LABEL_B));
    await vi.advanceTimersByTimeAsync(300);
    await vi.advanceTimersByTimeAsync(10);
    expect(backend.calls.map((c) => c.base)).toEqual([0, 1]);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.dropped).toBe(1);
    expect(backend.rows.get(asAnnotationId(1))?.labelId).toBe(LABEL_B);
    const doc = store.getSnapshot().history!.doc;
    expect(listAnnotations(doc).map((a) => [a.id, a.labelId])).toEqual([
      [1, LABEL_B],
      [3, LABEL_A],
    ]);
    expect(queue.status(IMAGE)).toEqual({ kind: 'saved' });
  });

  it('reports errors, keeps the edits and retries with backoff; flush waits for the save', async () => {
    const backend = new FakeBackend();
    backend.failNext = 1;
    const { store, queue } = setup(backend);
    store.openImage(IMAGE);
    store.apply({ added: [ann(10_000, box(1, 1, 1, 1))], updated: [], removed: [] });
    await vi.advanceTimersByTimeAsync(300);
    expect(queue.status(IMAGE)).toEqual({
      kind: 'error',
      message: `saving image ${IMAGE} failed: disk full`,
    });
    expect(queue.overallStatus().kind).toBe('error');
    await vi.advanceTimersByTimeAsync(1000);
    expect(backend.calls).toHaveLength(2);
    expect(backend.rows.size).toBe(1);
    expect(queue.status(IMAGE)).toEqual({ kind: 'saved' });

    store.run(setLabel([asAnnotationId(10_000)], LABEL_B));
    const flushed = queue.flush();
    await vi.advanceTimersByTimeAsync(0);
    await expect(flushed).resolves.toBe(true);
    expect([...backend.rows.values()][0]!.labelId).toBe(LABEL_B);
  });
});

describe('AutosaveQueue limits', () => {
  it('gives up with an error after repeated conflicts, keeping the edits', async () => {
    const backend = new FakeBackend();
    backend.rows.set(asAnnotationId(1), storedFields(ann(1, box(0, 0, 5, 5))));
    const alwaysConflict = (..._: unknown[]): Promise<SaveResult> => {
      backend.revision++;
      return Promise.resolve({ kind: 'conflict' });
    };
    const queue = new AutosaveQueue({
      save: alwaysConflict,
      load: backend.load,
      onRebase: () => undefined,
      debounceMs: 10,
      maxConflictRetries: 2,
      retryMs: 60_000,
    });
    queue.enqueue(IMAGE, {
      added: [],
      updated: [{ from: ann(1, box(0, 0, 5, 5)), to: ann(1, box(0, 0, 5, 5), { labelId: LABEL_B }) }],
      removed: [],
    });
    for (let i = 0; i < 6; i++) await vi.advanceTimersByTimeAsync(10);
    expect(queue.status(IMAGE)).toEqual({
      kind: 'error',
      message: `saving image ${IMAGE} failed: image ${IMAGE} kept changing on the server; 2 rebases failed`,
    });
  });
});

describe('AutosaveQueue and the annotation model', () => {
  it('saves attributes, crowd flags and groups, and an update of only those is a save', async () => {
    const backend = new FakeBackend();
    backend.rows.set(asAnnotationId(1), storedFields(ann(1, box(0, 0, 5, 5))));
    const { store, queue } = setup(backend);
    queue.setBaseRevision(IMAGE, 0);
    store.openImage(IMAGE, [ann(1, box(0, 0, 5, 5))]);
    store.run(setAttribute([asAnnotationId(1)], 'occluded', true));
    store.run(setGroup([asAnnotationId(1)], 3));
    await vi.advanceTimersByTimeAsync(300);
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.patch.updated).toEqual([
      expect.objectContaining({ id: 1, attributes: { occluded: true }, groupId: 3, iscrowd: false }),
    ]);
  });
});
