import { z } from 'zod';
import { JobSchema, type Job } from './groups/jobs';
import { ProviderStatusSchema } from './groups/inference';
import { InstallStatusSchema } from './groups/models';

/** Events pushed from main to the renderer (IPC event channel, or the browser-mode WebSocket). */
export const AppEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('job_progress'), job: JobSchema }),
  z.object({
    kind: z.literal('model_status'),
    modelId: z.string().nullable(),
    provider: ProviderStatusSchema,
  }),
  z.object({ kind: z.literal('worker_restarted'), reason: z.string() }),
  z.object({ kind: z.literal('project_changed'), dir: z.string().nullable() }),
  /** A running export or annotation import: phase and counts, for the dialog's progress bar. */
  z.object({
    kind: z.literal('transfer_progress'),
    phase: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    /** The file being worked on, when there is one. */
    detail: z.string().optional(),
  }),
  /** A line a running job wants a person to read (an image that failed, a resumed job). */
  z.object({ kind: z.literal('job_log'), message: z.string() }),
  /** A model install moved on (bytes, ETA, phase) or finished (done, failed with its reason, cancelled). */
  z.object({ kind: z.literal('model_install'), install: InstallStatusSchema }),
  /** Image rows changed behind the UI's back (missing files found, a relink): lists should refetch. */
  z.object({ kind: z.literal('images_changed'), missing: z.number().int().nonnegative() }),
]);
export type AppEvent = z.infer<typeof AppEventSchema>;
export type { Job };
