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
