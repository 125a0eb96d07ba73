import { z } from 'zod';
import { ProviderStatusSchema } from './inference';
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

/** One bundle as the model inventory shows it: where it lives and what it can do. */
export const ModelEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The execution provider it runs on. */
  provider: z.string(),
  kind: z.string(),
  isStarter: z.boolean(),
  hasText: z.boolean(),
  hasMaskDecoder: z.boolean(),
  source: z.enum(['built-in', 'user']),
  dir: z.string(),
});

const idOrPath = z.string().min(1).max(4096);

export const modelsGroup = {
  list: method(z.object({}), z.array(ModelSummarySchema)),
  /** Every bundle with its folder, and the folders whose manifest is broken (listed, never dropped). */
  inventory: method(
    z.object({}),
    z.object({
      provider: ProviderStatusSchema,
      models: z.array(ModelEntrySchema),
      broken: z.array(z.object({ dir: z.string(), error: z.string() })),
    }),
  ),
  /** Manifest, files, sha256, graph input/output names and ranks, by id or bundle folder. */
  verify: method(
    z.object({ modelId: idOrPath }),
    z.object({
      ok: z.boolean(),
      problems: z.array(z.string()),
      id: z.string().optional(),
      name: z.string().optional(),
      dir: z.string().optional(),
      provider: ProviderStatusSchema.optional(),
    }),
  ),
  /** A manifest URL (resumable download, sha256-checked) or a bundle folder to import. */
  install: method(
    z.object({
      source: idOrPath,
      /** Overrides the settings' mirror for this download. */
      mirrorBaseUrl: z.string().url().optional(),
      /** Replace an installed bundle of the same id. */
      replace: z.boolean().default(false),
    }),
    ModelSummarySchema.extend({ dir: z.string() }),
  ),
  select: method(z.object({ modelId: z.string().min(1) }), ModelSummarySchema),
};
