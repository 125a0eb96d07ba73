import { z } from 'zod';
import { JobIdSchema } from '../ids';
import { method } from './method';

export const JobKindSchema = z.enum(['embed', 'auto_label', 'propagate', 'export']);
export const JobStateSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);

export const JobSchema = z.object({
  id: JobIdSchema,
  kind: JobKindSchema,
  state: JobStateSchema,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  etaMs: z.number().nullable(),
  error: z.string().nullable(),
  /** What the job skipped but went on without (e.g. a label whose prompt the model cannot embed). */
  warnings: z.array(z.string()),
});
export type Job = z.infer<typeof JobSchema>;

export const jobsGroup = {
  list: method(z.object({}), z.array(JobSchema)),
  start: method(
    z.object({ kind: JobKindSchema, params: z.record(z.string(), z.unknown()).default({}) }),
    JobSchema,
  ),
  cancel: method(z.object({ jobId: JobIdSchema }), JobSchema),
};
