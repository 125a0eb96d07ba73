/**
 * One checkpoint conversion per worker (see convert-worker.ts): streaming and re-encoding the weights takes
 * seconds to minutes and must never run on the thread that answers the UI and the API.
 */
import { parentPort } from 'node:worker_threads';
import { type ApiError } from '@contract';
import { toApiError } from '../errors';
import { CheckpointError } from './convert/checkpoint';
import { convertRadioCheckpoint } from './convert/convert-radio';
import { SafetensorsError } from './convert/safetensors';
import { convertSamDecoder } from './convert/sam/convert-sam';
import { SamConvertError } from './convert/sam/sam-config';
import { type ConvertJob, type ConvertWorkerReply, type ConvertWorkerRequest } from './convert-worker';

const port = parentPort;
if (!port) throw new Error('convert.worker must run inside worker_threads');

const controller = new AbortController();
const reply = (r: ConvertWorkerReply): void => port.postMessage(r);

/** A checkpoint that does not convert is a model problem the user can act on, not an internal error. */
function describe(e: unknown): ApiError {
  if (controller.signal.aborted) return { code: 'cancelled', message: 'The conversion was cancelled.' };
  if (e instanceof CheckpointError || e instanceof SamConvertError || e instanceof SafetensorsError) {
    return { code: 'model_error', message: e.message };
  }
  return toApiError(e);
}

async function run(job: ConvertJob): Promise<unknown> {
  switch (job.kind) {
    case 'radio':
      return convertRadioCheckpoint({
        ...job.options,
        onProgress: (progress) => reply({ kind: 'progress', progress }),
        signal: controller.signal,
      });
    case 'sam':
      return convertSamDecoder(job.options);
  }
}

port.on('message', (req: ConvertWorkerRequest) => {
  switch (req.kind) {
    case 'cancel':
      controller.abort();
      return;
    case 'start':
      run(req.job).then(
        (result) => reply({ kind: 'done', result }),
        (e: unknown) => reply({ kind: 'failed', error: describe(e) }),
      );
      return;
  }
});
