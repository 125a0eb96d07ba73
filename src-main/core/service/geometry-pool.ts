import { availableParallelism } from 'node:os';
import { type Worker } from 'node:worker_threads';
import { type ApiError, type Geometry } from '@contract';
import { AppError } from '../errors';
import { resolveWorkerEntry, startWorker, type WorkerEntry } from '../workers/worker-entry';

export interface GeometryRequest {
  readonly id: number;
  readonly geometry: Geometry;
  readonly target: 'polygon' | 'mask';
  readonly tolerancePx: number;
  readonly widthPx: number;
  readonly heightPx: number;
}

export type GeometryReply =
  | { readonly id: number; readonly ok: true; readonly geometry: Geometry }
  | { readonly id: number; readonly ok: false; readonly error: ApiError };

interface Job {
  readonly request: GeometryRequest;
  readonly resolve: (g: Geometry) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
}

/**
 * A small pool of geometry workers (started on first use, unref'd when idle so that a CLI process can
 * exit): each conversion runs on its own thread, the main thread only passes messages. A worker that
 * dies (out of memory on a huge canvas) fails its job with a clear error and is replaced on demand.
 */
export class GeometryPool {
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  readonly #size: number;
  readonly #entry: () => WorkerEntry;
  #nextId = 1;
  #disposed = false;

  constructor(options: { size?: number; entry?: WorkerEntry } = {}) {
    this.#size = Math.max(1, options.size ?? Math.min(2, Math.max(1, availableParallelism() - 1)));
    this.#entry = () =>
      options.entry ??
      resolveWorkerEntry(import.meta.url, 'geometry.worker', process.env.RADIOLABEL_GEOMETRY_WORKER);
  }

  convert(input: Omit<GeometryRequest, 'id'>): Promise<Geometry> {
    if (this.#disposed)
      return Promise.reject(new AppError('unavailable', 'the geometry workers are shut down'));
    return new Promise<Geometry>((resolve, reject) => {
      this.#queue.push({ request: { ...input, id: this.#nextId++ }, resolve, reject });
      this.#pump();
    });
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const job of this.#queue.splice(0))
      job.reject(new AppError('cancelled', 'the app is shutting down'));
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
  }

  #pump(): void {
    for (;;) {
      const job = this.#queue[0];
      if (!job) break;
      const slot = this.#slots.find((s) => !s.job) ?? this.#spawn();
      if (!slot) break;
      this.#queue.shift();
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.request);
    }
  }

  #spawn(): Slot | undefined {
    if (this.#slots.length >= this.#size) return undefined;
    const worker = startWorker(this.#entry());
    const slot: Slot = { worker, job: undefined };
    worker.on('message', (reply: GeometryReply) => {
      const job = slot.job;
      if (!job || job.request.id !== reply.id) return;
      slot.job = undefined;
      worker.unref();
      if (reply.ok) job.resolve(reply.geometry);
      else job.reject(new AppError(reply.error.code, reply.error.message, reply.error.details));
      this.#pump();
    });
    const gone = (why: string): void => {
      const i = this.#slots.indexOf(slot);
      if (i < 0) return;
      this.#slots.splice(i, 1);
      slot.job?.reject(
        new AppError('unavailable', `the geometry worker stopped (${why}) during a conversion`),
      );
      slot.job = undefined;
      if (!this.#disposed) this.#pump();
    };
    worker.on('error', (e) => gone(e.message));
    worker.on('exit', (code) => gone(`exit code ${code}`));
    this.#slots.push(slot);
    return slot;
  }
}
