import { z } from 'zod';
import { FilePathSchema } from '../ids';
import { method } from './method';

export const ModelSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The built-in starter bundle: colour and texture only, never semantic. */
  isStarter: z.boolean(),
  hasText: z.boolean(),
  hasMaskDecoder: z.boolean(),
  builtIn: z.boolean(),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

export const modelsGroup = {
  list: method(z.object({}), z.array(ModelSummarySchema)),
  verify: method(
    z.object({ modelId: z.string().min(1) }),
    z.object({ ok: z.boolean(), problems: z.array(z.string()) }),
  ),
  install: method(z.object({ source: FilePathSchema }), ModelSummarySchema),
  select: method(z.object({ modelId: z.string().min(1) }), ModelSummarySchema),
};
