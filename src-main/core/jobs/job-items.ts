import { type ImageId, type JobId } from '@contract';
import { translateSqliteError } from '../db/errors';
import { type JobOwner, type JobsRepo } from '../db/jobs-repo';
import { type Project } from '../project';
import { messageOf, projectWriteFailure, stoppedAt, takenOver } from './job-report';
import { type ItemOutcome, type ItemProcessor } from './job-types';
import { type PriorityScheduler } from './priority-scheduler';

/** Thrown inside a run when its job turned out to be held by another runner: this one stops writing. */
export class LeaseLostError extends Error {}

/** What the item loop works with: the runner's project, queue, identity and scheduler. */
export interface ItemLoop {
  readonly project: Project;
  readonly store: JobsRepo;
  readonly owner: JobOwner;
  readonly scheduler: PriorityScheduler;
  readonly log: (message: string) => void;
}

/**
 * Runs the pending items of a job `loop.owner` holds, in image id order, each committed with its results
 * only while the job is still held (else LeaseLostError). Returns the stop reason when the processor
 * stopped the job early; throws when aborted, and when the project cannot take results (the job fails).
 */
export async function processItems(
  loop: ItemLoop,
  jobId: JobId,
  processor: ItemProcessor,
  signal: AbortSignal,
  afterEach: () => void,
): Promise<string | undefined> {
  const { store, owner } = loop;
  let after = 0;
  for (;;) {
    const page = store.pendingItems(jobId, after);
    if (page.length === 0) return undefined;
    for (const imageId of page) {
      after = imageId;
      signal.throwIfAborted();
      await loop.scheduler.yieldToInteractive(signal);
      const outcome = await processOne(loop, processor, jobId, imageId, signal);
      let written: 'written' | 'already' | 'lost';
      switch (outcome.kind) {
        case 'done':
          written = store.completeItem(jobId, imageId, owner, outcome.commit);
          break;
        case 'failed':
          written = store.failItem(jobId, imageId, owner, outcome.error);
          loop.log(`job ${jobId}: ${imageLabel(loop.project, imageId)} failed: ${outcome.error}`);
          break;
        case 'stop':
          store.skipPending(jobId, outcome.reason);
          return outcome.reason;
      }
      if (written === 'lost') throw new LeaseLostError(takenOver(store.get(jobId)));
      afterEach();
    }
  }
}

/**
 * One item. A failure of that image is the item's; a failure to write the project (full disk, read-only,
 * damaged file) stops the whole job, failed with that reason: every later item would fail the same way.
 */
async function processOne(
  loop: ItemLoop,
  processor: ItemProcessor,
  jobId: JobId,
  imageId: ImageId,
  signal: AbortSignal,
): Promise<ItemOutcome> {
  try {
    return await processor.process(imageId);
  } catch (e) {
    if (signal.aborted) throw e;
    const fatal = projectWriteFailure(translateSqliteError(e, loop.project.dbFile));
    if (fatal) throw new Error(stoppedAt(loop.store.get(jobId), imageLabel(loop.project, imageId), fatal));
    return { kind: 'failed', error: messageOf(e) };
  }
}

/** `a.png (image 3)`, or `image 3` when the image is gone. */
function imageLabel(project: Project, imageId: ImageId): string {
  const name = project.images.tryGet(imageId)?.name;
  return name === undefined ? `image ${imageId}` : `${name} (image ${imageId})`;
}
