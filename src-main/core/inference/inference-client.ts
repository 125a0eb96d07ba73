import { AppError } from '../errors';
import { type Worker } from 'node:worker_threads';
import { resolveWorkerEntry, startWorker, type WorkerEntry } from '../workers/worker-entry';
import type { GraphInfo } from '../models/graph-check';
import type { FeedTensor, OutputTensor, WorkerInit, WorkerRequest, WorkerResponse } from './protocol';
import { initialProviderReport, type ExecutionProviderName, type ProviderReport } from './providers';
import { applyOnnxRuntimeTelemetryPolicy } from './telemetry';

/** How long dispose() waits for a running pass to end before it terminates the worker anyway. */
const DISPOSE_GRACE_MS = 10_000;

/** A request superseded by a newer one in its lane, or aborted by its caller. */
export class InferenceAbortedError extends AppError {
  override readonly name = 'InferenceAbortedError';
  constructor(message: string) {
    super('cancelled', message);
  }
}
export class WorkerCrashedError extends AppError {
  override readonly name = 'WorkerCrashedError';
  constructor(message: string) {
    super('model_error', message);
  }
}

type Payload =
  | { kind: 'run'; modelPath: string; feeds: Record<string, FeedTensor>; outputNames: string[] }
  | { kind: 'describe'; modelPath: string }
  | { kind: 'release' }
  | { kind: 'crash' };

interface Pending {
  readonly id: number;
  readonly payload: Payload;
  readonly lane?: string;
  readonly resolve: (r: WorkerResponse) => void;
  readonly reject: (e: Error) => void;
  settled: boolean;
  cleanup?: () => void;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Requests in the same lane supersede each other: the newest wins, older ones fail with AbortError. */
  readonly lane?: string;
}

export type { WorkerEntry };

/** The inference worker's entry (RADIOLABEL_INFERENCE_WORKER overrides it; see workers/worker-entry). */
export function resolveInferenceWorkerEntry(): WorkerEntry {
  return resolveWorkerEntry(import.meta.url, 'inference.worker', process.env.RADIOLABEL_INFERENCE_WORKER);
}

function transferList(feeds: Record<string, FeedTensor>): ArrayBuffer[] {
  return [...new Set(Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer))];
}

/**
 * Main-thread side of the one inference worker. Requests are queued here and sent one at a time, so
 * cancelling a queued request never costs worker time. A crashed worker is replaced on the next request;
 * the request it was running fails with WorkerCrashedError instead of hanging.
 */
export class InferenceClient {
  private worker: Worker | undefined;
  private readonly queue: Pending[] = [];
  private inFlight: Pending | undefined;
  private nextId = 1;
  private disposed = false;
  private report: ProviderReport;
  private crashes = 0;

  constructor(
    private readonly opts: {
      provider: ExecutionProviderName;
      onProviderReport?: (r: ProviderReport) => void;
      onCrash?: (e: WorkerCrashedError) => void;
      workerEntry?: WorkerEntry;
      /** onnxruntime's own telemetry (off unless the user opted in: setting onnxRuntimeTelemetry). */
      onnxRuntimeTelemetry?: boolean;
    },
  ) {
    this.report = initialProviderReport(opts.provider);
    // Before any worker exists: the worker's onnxruntime reads the process environment when it loads.
    applyOnnxRuntimeTelemetryPolicy(opts.onnxRuntimeTelemetry ?? false);
  }

  get provider(): ProviderReport {
    return this.report;
  }

  get crashCount(): number {
    return this.crashes;
  }

  /**
   * Runs a model. Feed buffers are transferred to the worker (detached here): pass copies of anything you
   * keep.
   */
  async run(
    modelPath: string,
    feeds: Record<string, FeedTensor>,
    outputNames: readonly string[],
    opts: RunOptions = {},
  ): Promise<Record<string, OutputTensor>> {
    const res = await this.request({ kind: 'run', modelPath, feeds, outputNames: [...outputNames] }, opts);
    if (res.kind !== 'result') throw new Error(`inference worker answered ${res.kind} to run`);
    return res.outputs;
  }

  /** Loads (memoised) and returns the graph's input/output names, types and ranks. */
  async describe(modelPath: string): Promise<GraphInfo> {
    const res = await this.request({ kind: 'describe', modelPath }, {});
    if (res.kind !== 'described') throw new Error(`inference worker answered ${res.kind} to describe`);
    return res.info;
  }

  /** Releases every session in the worker (after a bundle was replaced on disk, or to free memory). */
  async releaseSessions(): Promise<void> {
    if (!this.worker) return;
    await this.request({ kind: 'release' }, {});
  }

  /** Test hook: the worker exits abnormally while handling this request. */
  async crashWorkerForTest(): Promise<void> {
    await this.request({ kind: 'crash' }, {});
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.queue.splice(0))
      this.fail(p, new InferenceAbortedError('inference client disposed'));
    const busy = this.inFlight !== undefined;
    if (this.inFlight) this.fail(this.inFlight, new InferenceAbortedError('inference client disposed'));
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    // Terminating a worker while onnxruntime still runs a pass on its thread pool can bring the whole
    // process down when the pass completes into a torn-down environment: let the pass finish first.
    if (busy) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DISPOSE_GRACE_MS);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        w.once('message', done);
        w.once('exit', done);
      });
    }
    await w.terminate();
  }

  private request(payload: Payload, opts: RunOptions): Promise<WorkerResponse> {
    if (this.disposed) return Promise.reject(new InferenceAbortedError('inference client disposed'));
    if (opts.signal?.aborted) return Promise.reject(new InferenceAbortedError('inference request aborted'));
    return new Promise<WorkerResponse>((resolve, reject) => {
      const p: Pending = { id: this.nextId++, payload, lane: opts.lane, resolve, reject, settled: false };
      if (opts.lane !== undefined) this.supersede(opts.lane);
      if (opts.signal) {
        const signal = opts.signal;
        const onAbort = (): void => this.cancel(p, new InferenceAbortedError('inference request aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        p.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(p);
      this.pump();
    });
  }

  private supersede(lane: string): void {
    const err = (): InferenceAbortedError =>
      new InferenceAbortedError(`superseded by a newer "${lane}" request`);
    for (const p of this.queue.filter((q) => q.lane === lane)) this.cancel(p, err());
    if (this.inFlight?.lane === lane) this.fail(this.inFlight, err());
  }

  /** Removes a queued request, or fails an in-flight one now (its result will be dropped). */
  private cancel(p: Pending, e: Error): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
    this.fail(p, e);
  }

  private fail(p: Pending, e: Error): void {
    if (p.settled) return;
    p.settled = true;
    p.cleanup?.();
    p.reject(e);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const entry = this.opts.workerEntry ?? resolveInferenceWorkerEntry();
    const init: WorkerInit = { provider: this.opts.provider };
    const w = startWorker(entry, { workerData: init });
    w.on('message', (res: WorkerResponse) => this.onMessage(w, res));
    w.on('error', (e) => this.onWorkerGone(w, `inference worker crashed: ${e.message}`));
    w.on('exit', (code) => this.onWorkerGone(w, `inference worker exited with code ${code}`));
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.inFlight || this.disposed) {
      this.updateRef();
      return;
    }
    const next = this.queue.shift();
    if (!next) {
      this.updateRef();
      return;
    }
    this.inFlight = next;
    let w: Worker;
    try {
      w = this.ensureWorker();
    } catch (e) {
      this.inFlight = undefined;
      this.fail(next, new Error(`cannot start the inference worker: ${(e as Error).message}`));
      this.pump();
      return;
    }
    const msg: WorkerRequest = { ...next.payload, id: next.id };
    const transfer = next.payload.kind === 'run' ? transferList(next.payload.feeds) : [];
    try {
      w.postMessage(msg, transfer);
    } catch (e) {
      this.inFlight = undefined;
      this.fail(next, new Error(`cannot send the request to the inference worker: ${(e as Error).message}`));
      this.pump();
      return;
    }
    this.updateRef();
  }

  /** An idle worker must not keep a CLI process alive. */
  private updateRef(): void {
    if (!this.worker) return;
    if (this.inFlight || this.queue.length > 0) this.worker.ref();
    else this.worker.unref();
  }

  private onMessage(w: Worker, res: WorkerResponse): void {
    if (w !== this.worker) return;
    const p = this.inFlight;
    if (!p || p.id !== res.id) return;
    this.inFlight = undefined;
    if (res.kind === 'result' || res.kind === 'described') this.setReport(res.provider);
    if (!p.settled) {
      p.settled = true;
      p.cleanup?.();
      if (res.kind === 'error') p.reject(new Error(res.message));
      else p.resolve(res);
    }
    this.pump();
  }

  private onWorkerGone(w: Worker, why: string): void {
    if (w !== this.worker) return;
    this.worker = undefined;
    if (this.disposed) return;
    this.crashes++;
    const err = new WorkerCrashedError(`${why}; it will be restarted for the next request`);
    const p = this.inFlight;
    this.inFlight = undefined;
    if (p) this.fail(p, err);
    this.opts.onCrash?.(err);
    this.pump();
  }

  private setReport(r: ProviderReport): void {
    if (r.active === this.report.active && r.fallbackReason === this.report.fallbackReason) return;
    this.report = r;
    this.opts.onProviderReport?.(r);
  }
}
