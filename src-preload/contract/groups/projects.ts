import { z } from 'zod';
import { method } from './method';

export const ProjectInfoSchema = z.object({
  dir: z.string(),
  name: z.string(),
  images: z.number().int().nonnegative(),
  labels: z.number().int().nonnegative(),
  annotations: z.number().int().nonnegative(),
  schemaVersion: z.number().int(),
  /** Bytes held by the embedding cache. */
  cacheBytes: z.number().int().nonnegative(),
});
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>;

export const RecentProjectSchema = z.object({ dir: z.string(), name: z.string(), openedAt: z.string() });
export type RecentProject = z.infer<typeof RecentProjectSchema>;

const dir = z.string().min(1).max(4096);

export const projectsGroup = {
  create: method(z.object({ dir, name: z.string().max(200).optional() }), ProjectInfoSchema),
  open: method(z.object({ dir }), ProjectInfoSchema),
  close: method(z.object({}), z.null()),
  current: method(z.object({}), ProjectInfoSchema.nullable()),
  recent: method(z.object({}), z.array(RecentProjectSchema)),
  /** Creates (or reopens) the generated sample project in the app data dir. */
  openSample: method(z.object({}), ProjectInfoSchema),
};
