import { type Worker } from 'node:worker_threads';
import { type ApiError } from '@contract';
import { AppError } from '../errors';
import { resolveWorkerEntry, startWorker, type WorkerEntry } from '../workers/worker-entry';
import { type ConvertProgress } from './convert/convert-radio';
import { type ConvertSamOptions, type SamConversion } from './convert/sam/convert-sam';
import { type ConvertCheckpointOptions } from './converters';

/**
 * Checkpoint conversion off the main thread: each conversion runs in a worker of its own (convert.worker.ts),
 * so that streaming gigabytes of weights block by block never stalls the app's other requests, and the
 * memory the conversion used goes away with the worker. Progress comes back as messages; a cancel is a
 * message that aborts the converter between blocks, which then removes what it wrote.
 */

export type ConvertJob =
  | { readonly kind: 'radio'; readonly options: Omit<ConvertCheckpointOptions, 'onProgress' | 'signal'> }
  | { readonly kind: 'sam'; readonly options: ConvertSamOptions };

export type ConvertWorkerRequest =
  { readonly kind: 'start'; readonly job: ConvertJob } | { readonly kind: 'cancel' };

export type ConvertWorkerReply =
  | { readonly kind: 'progress'; readonly progress: ConvertProgress }
  | { readonly kind: 'done'; readonly result: unknown }
  | { readonly kind: 'failed'; readonly error: ApiError };

/** The worker's entry (RADIOLABEL_CONVERT_WORKER overrides it; see workers/worker-entry). */
export function resolveConvertWorkerEntry(): WorkerEntry {
  return resolveWorkerEntry(import.meta.url, 'convert.worker', process.env.RADIOLABEL_CONVERT_WORKER);
}

export interface ConvertInWorkerOptions {
  readonly onProgress?: (p: ConvertProgress) => void;
  readonly signal?: AbortSignal;
  readonly entry?: WorkerEntry;
}

/** Runs one conversion in a fresh worker; resolves with the converter's result once the worker is gone. */
export function convertInWorker(job: ConvertJob, o: ConvertInWorkerOptions = {}): Promise<unknown> {
  o.signal?.throwIfAborted();
  const worker: Worker = startWorker(o.entry ?? resolveConvertWorkerEntry());
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', cancel);
      // The worker has closed its files by the time it answers; terminating returns its memory at once.
      void worker.terminate().finally(outcome);
    };
    const cancel = (): void => worker.postMessage({ kind: 'cancel' } satisfies ConvertWorkerRequest);
    o.signal?.addEventListener('abort', cancel, { once: true });
    worker.on('message', (reply: ConvertWorkerReply) => {
      switch (reply.kind) {
        case 'progress':
          o.onProgress?.(reply.progress);
          return;
        case 'done':
          finish(() => resolve(reply.result));
          return;
        case 'failed':
          finish(() => reject(new AppError(reply.error.code, reply.error.message, reply.error.details)));
          return;
      }
    });
    worker.on('error', (e) =>
      finish(() => reject(new AppError('internal', `the conversion worker failed: ${e.message}`))),
    );
    worker.on('exit', (code) =>
      finish(() =>
        reject(
          new AppError(
            'internal',
            `the conversion worker stopped (exit code ${code}) before it finished; nothing was installed`,
          ),
        ),
      ),
    );
    worker.postMessage({ kind: 'start', job } satisfies ConvertWorkerRequest);
  });
}

/** The RADIO converter (encoder + text tower) in a worker. */
export async function convertRadioInWorker(o: ConvertCheckpointOptions): Promise<unknown> {
  const { onProgress, signal, ...options } = o;
  return convertInWorker(
    { kind: 'radio', options },
    { ...(onProgress ? { onProgress } : {}), ...(signal ? { signal } : {}) },
  );
}

/** The SAM neck + decoder converter in a worker. */
export async function convertSamInWorker(o: ConvertSamOptions): Promise<SamConversion> {
  return (await convertInWorker({ kind: 'sam', options: o })) as SamConversion;
}
