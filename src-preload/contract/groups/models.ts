import { z } from 'zod';
import { FilePathSchema } from '../ids';
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
  /** The manifest's licence line. */
  license: z.string(),
  /** Bytes of the files the manifest names (null if one is missing). */
  diskBytes: z.number().int().nonnegative().nullable(),
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

export const WeightDtypeSchema = z.enum(['fp32', 'fp16', 'int8']);
export type WeightDtype = z.infer<typeof WeightDtypeSchema>;

export const LicenceSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  commercialUse: z.boolean(),
  summary: z.string(),
});
export type Licence = z.infer<typeof LicenceSchema>;

/** What an installed model does: text prompts (text tower), SAM-decoder clicks, patch similarity (always). */
export const ProvidesSchema = z.object({
  textPrompts: z.boolean(),
  clickDecoder: z.boolean(),
  similarity: z.literal(true),
});
export type Provides = z.infer<typeof ProvidesSchema>;

const bytes = z.number().int().nonnegative();

export const MemoryEstimateSchema = z.object({
  parameterCount: bytes,
  tokens: bytes,
  weightsBytes: bytes,
  activationBytes: bytes,
  outputBytes: bytes,
  totalBytes: bytes,
});
export type MemoryEstimate = z.infer<typeof MemoryEstimateSchema>;

export const CatalogueEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  family: z.string(),
  repo: z.string(),
  revision: z.string(),
  licence: LicenceSchema,
  /** The text tower and SAM weights an install also downloads, with their licences. */
  companions: z.array(
    z.object({ role: z.enum(['text', 'sam']), repo: z.string(), licence: LicenceSchema.nullable() }),
  ),
  architecture: z.string(),
  patchSize: z.number().int().positive(),
  preferredResolutionPx: z.number().int().positive(),
  maxResolutionPx: z.number().int().positive(),
  /** Derived from the architecture (docs/MODELS.md); null for a non-ViT. */
  parameterCount: bytes.nullable(),
  parameterCountFromCard: bytes.nullable(),
  /** Encoder memory at the preferred resolution, per weight type; null for a non-ViT. */
  memoryAtPreferred: z.record(WeightDtypeSchema, bytes).nullable(),
  /** Null unless a citable source states it: the install plan reads exact sizes from the hub. */
  downloadBytes: bytes.nullable(),
  provides: ProvidesSchema,
  notes: z.array(z.string()),
  /** Why it cannot be installed (not a ViT, no converter in this build), or null. */
  blocker: z.string().nullable(),
  installedModelIds: z.array(z.string()),
  sources: z.record(z.string(), z.string()),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntrySchema>;

const catalogueId = z.string().min(1).max(64);
/** A hub mirror for this call (same URL layout as huggingface.co); the setting otherwise. */
const mirrorBaseUrl = z.string().url().max(2048).optional();
const fromDir = FilePathSchema.optional();

export const InstallPlanSchema = z.object({
  catalogueId: z.string(),
  bundleId: z.string(),
  bundleName: z.string(),
  resolutionPx: z.number().int(),
  dtype: WeightDtypeSchema,
  repos: z.array(
    z.object({
      role: z.enum(['checkpoint', 'text', 'sam']),
      repo: z.string(),
      revision: z.string(),
      licence: LicenceSchema.nullable(),
      files: z.array(z.object({ path: z.string(), bytes: bytes.nullable() })),
      localDir: z.string().nullable(),
    }),
  ),
  licences: z.array(LicenceSchema),
  downloadBytes: bytes,
  requiredDiskBytes: bytes,
  freeDiskBytes: bytes,
  memory: MemoryEstimateSchema,
  provides: ProvidesSchema,
  /** The input side at which the encoder fills SAM's whole embedding grid; null without a click decoder. */
  clickDecoderResolutionPx: z.number().int().positive().nullable(),
  notes: z.array(z.string()),
  alreadyInstalled: z.boolean(),
});
export type InstallPlan = z.infer<typeof InstallPlanSchema>;

export const InstallStateSchema = z.enum([
  'planning',
  'downloading',
  'converting',
  'verifying',
  'installing',
  'done',
  'failed',
  'cancelled',
]);
export type InstallState = z.infer<typeof InstallStateSchema>;

/** A running or just-finished install, as `models.installs` lists it and `model_install` events carry it. */
export const InstallStatusSchema = z.object({
  installId: z.string(),
  catalogueId: z.string().nullable(),
  state: InstallStateSchema,
  file: z.string().nullable(),
  receivedBytes: bytes,
  totalBytes: bytes.nullable(),
  bytesPerSecond: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** The one-sentence reason of a failure. */
  message: z.string().nullable(),
  /** The installed model's id once done. */
  modelId: z.string().nullable(),
});
export type InstallStatus = z.infer<typeof InstallStatusSchema>;

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
    z.object({ modelId: z.string().min(1).max(4096) }),
    z.object({
      ok: z.boolean(),
      problems: z.array(z.string()),
      id: z.string().optional(),
      name: z.string().optional(),
      dir: z.string().optional(),
      provider: ProviderStatusSchema.optional(),
    }),
  ),
  /**
   * Installs a catalogue checkpoint (downloaded from the hub, or from `fromDir`), or a ready bundle
   * (`source`: a bundle folder or a manifest URL). Resolves when the model is live; progress arrives as
   * `model_install` events under `installId` (chosen by the caller so that it can cancel).
   */
  install: method(
    z
      .object({
        installId: z.string().min(8).max(64).optional(),
        source: FilePathSchema.optional(),
        catalogueId: catalogueId.optional(),
        resolutionPx: z.number().int().positive().max(4096).optional(),
        dtype: WeightDtypeSchema.optional(),
        mirrorBaseUrl,
        fromDir,
        /** Licence ids the user accepted (shown from the plan); an install without them is refused. */
        acceptLicences: z.array(z.string().max(64)).max(8).default([]),
        replace: z.boolean().default(false),
      })
      .refine((i) => (i.source === undefined) !== (i.catalogueId === undefined), {
        message: 'give either catalogueId or source',
      }),
    ModelSummarySchema.extend({ dir: z.string() }),
  ),
  select: method(z.object({ modelId: z.string().min(1) }), ModelSummarySchema),
  catalogue: method(z.object({}), z.object({ about: z.string(), entries: z.array(CatalogueEntrySchema) })),
  /** Encoder memory of a catalogue checkpoint at a resolution and weight type (no network). */
  estimateMemory: method(
    z.object({ catalogueId, resolutionPx: z.number().int().positive().max(4096), dtype: WeightDtypeSchema }),
    MemoryEstimateSchema,
  ),
  /** What an install would fetch (exact sizes from the hub's tree API), need and give; downloads no weights. */
  installPlan: method(
    z.object({
      catalogueId,
      resolutionPx: z.number().int().positive().max(4096).optional(),
      dtype: WeightDtypeSchema.optional(),
      mirrorBaseUrl,
      fromDir,
    }),
    InstallPlanSchema,
  ),
  installs: method(z.object({}), z.array(InstallStatusSchema)),
  cancelInstall: method(
    z.object({ installId: z.string().min(1).max(64) }),
    z.object({ cancelled: z.boolean() }),
  ),
  /** Deletes an installed (not built-in) model; the selection falls back to the starter if it was selected. */
  remove: method(
    z.object({ modelId: z.string().min(1) }),
    z.object({ removed: z.string(), dir: z.string(), selectedModelId: z.string().nullable() }),
  ),
};
