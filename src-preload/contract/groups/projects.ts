import { z } from 'zod';
import { FilePathSchema } from '../ids';
import { method } from './method';

export const ProjectInfoSchema = z.object({
  dir: z.string(),
  name: z.string(),
  images: z.number().int().nonnegative(),
  labels: z.number().int().nonnegative(),
  annotations: z.number().int().nonnegative(),
  schemaVersion: z.number().int(),
  /** Opened read-only (the folder or database is not writable): it can be viewed and exported, not edited. */
  readOnly: z.boolean(),
  /** Bytes held by the embedding cache. */
  cacheBytes: z.number().int().nonnegative(),
});
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>;

export const RecentProjectSchema = z.object({ dir: z.string(), name: z.string(), openedAt: z.string() });
export type RecentProject = z.infer<typeof RecentProjectSchema>;

const dir = FilePathSchema;

export const projectsGroup = {
  create: method(z.object({ dir, name: z.string().max(200).optional() }), ProjectInfoSchema),
  open: method(z.object({ dir }), ProjectInfoSchema),
  close: method(z.object({}), z.null()),
  current: method(z.object({}), ProjectInfoSchema.nullable()),
  recent: method(z.object({}), z.array(RecentProjectSchema)),
  /** Creates (or reopens) the generated sample project in the app data dir. */
  openSample: method(z.object({}), ProjectInfoSchema),
};
