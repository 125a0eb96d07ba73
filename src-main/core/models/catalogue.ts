import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { builtInModelsDir } from './registry';
import { AppError } from '../errors';

/**
 * The model catalogue (`models/catalogue.json`): official RADIO checkpoints on the Hugging Face hub, the
 * text towers and SAM weights they pair with, and where each fact comes from. It never carries sizes or
 * checksums: those come from the hub's tree API at install time.
 */

/** A citation: a repository file at a commit, a model page or a spec section. */
const sourceSchema = z.string().min(8, 'must cite a source (file@commit, page URL or spec section)');

/** A file path inside a hub repository: relative, no `..`, no scheme. */
const repoFileSchema = z
  .string()
  .min(1)
  .refine(
    (f) => !f.startsWith('/') && !f.includes('\\') && !f.split('/').includes('..') && !f.includes(':'),
    {
      message: 'must be a relative path inside the repository',
    },
  );

const repoIdSchema = z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, 'must be "owner/name"');
const revisionSchema = z.string().regex(/^[\w.-]+$/, 'must be a branch, tag or commit');

const licenceSchema = z.object({
  name: z.string().min(1),
  url: z.url(),
  commercialUse: z.boolean(),
  summary: z.string().min(1),
  source: sourceSchema,
});

const architectureSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('vit'),
    label: z.string().min(1),
    embedDim: z.number().int().positive(),
    depth: z.number().int().positive(),
    numHeads: z.number().int().positive(),
    mlpHiddenDim: z.number().int().positive(),
    /** `gelu`: fc1 → GELU → fc2 (timm); `swiglu`: w12 (2×hidden) → SiLU·gate → w3 (DINOv2). */
    mlp: z.enum(['gelu', 'swiglu']),
    source: sourceSchema,
  }),
  z.object({ kind: z.literal('eradio'), label: z.string().min(1), source: sourceSchema }),
]);
export type Architecture = z.infer<typeof architectureSchema>;

/** Files of one hub repository: named files plus the safetensors weights (single file or index + shards). */
const hubFilesShape = {
  repo: repoIdSchema,
  revision: revisionSchema,
  files: z.array(repoFileSchema),
  /** Fetched when the repository has them (tokenizer settings that some repositories carry). */
  optionalFiles: z.array(repoFileSchema).default([]),
  /** Only shards holding tensors with these prefixes are fetched from a sharded repository ([] = all). */
  weightPrefixes: z.array(z.string().min(1)),
};

const textTowerSchema = z.object({
  ...hubFilesShape,
  /** `siglip2`: HF transformers layout that the text-tower converter reads; `open_clip`: not convertible. */
  format: z.enum(['siglip2', 'open_clip']),
  licence: z.string().nullable(),
  note: z.string().min(1),
  sources: z.object({
    repo: sourceSchema,
    licence: sourceSchema,
    files: sourceSchema,
    tokenizer: sourceSchema,
  }),
});
export type TextTowerSpec = z.infer<typeof textTowerSchema>;

const samWeightsSchema = z.object({
  ...hubFilesShape,
  licence: z.string(),
  note: z.string().min(1),
  sources: z.object({ repo: sourceSchema, licence: sourceSchema, files: sourceSchema }),
});
export type SamWeightsSpec = z.infer<typeof samWeightsSchema>;

const adaptorSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('language'), name: z.string().min(1), textTower: z.string().min(1) }),
  z.object({ role: z.literal('features'), name: z.string().min(1) }),
  z.object({ role: z.literal('sam'), name: z.string().min(1), samWeights: z.string().min(1) }),
  /** SAM3 (C-RADIOv4): its decoder is not converted, so clicks use the similarity path. */
  z.object({ role: z.literal('sam3'), name: z.string().min(1) }),
]);
export type CatalogueAdaptor = z.infer<typeof adaptorSchema>;

const statusSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('available') }),
  z.object({ kind: z.literal('unsupported'), reason: z.string().min(1) }),
]);

const checkpointSchema = z.object({
  /** torch.hub `version` (radio/common.py RESOURCE_MAP key). */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,47}$/),
  name: z.string().min(1),
  family: z.string().min(1),
  ...hubFilesShape,
  weightPrefixes: z.array(z.string().min(1)).default([]),
  licence: z.string().min(1),
  architecture: z.string().min(1),
  patchSize: z.number().int().positive(),
  preferredResolutionPx: z.number().int().positive(),
  maxResolutionPx: z.number().int().positive(),
  supportsVitdet: z.boolean(),
  adaptors: z.array(adaptorSchema),
  /** Stated on the model card, kept to cross-check the derived count; null when no card states it. */
  parameterCountFromCard: z.number().int().positive().nullable(),
  /** Null unless a citable source states it; the installer reads exact sizes from the hub. */
  downloadBytes: z.number().int().positive().nullable(),
  status: statusSchema,
  sources: z
    .object({
      repo: sourceSchema,
      files: sourceSchema,
      licence: sourceSchema,
      architecture: sourceSchema,
      resolution: sourceSchema,
      adaptors: sourceSchema,
      parameterCount: sourceSchema,
      downloadBytes: sourceSchema,
    })
    .catchall(sourceSchema),
});
export type CatalogueCheckpoint = z.infer<typeof checkpointSchema>;

export const catalogueSchema = z
  .object({
    format_version: z.literal(1),
    about: z.string(),
    licences: z.record(z.string(), licenceSchema),
    architectures: z.record(z.string(), architectureSchema),
    textTowers: z.record(z.string(), textTowerSchema),
    samWeights: z.record(z.string(), samWeightsSchema),
    checkpoints: z.array(checkpointSchema).min(1),
  })
  .superRefine((c, ctx) => {
    const missing = (where: (string | number)[], what: string, key: string): void =>
      ctx.addIssue({ code: 'custom', path: where, message: `unknown ${what} "${key}"` });
    const seen = new Set<string>();
    c.checkpoints.forEach((cp, i) => {
      if (seen.has(cp.id))
        ctx.addIssue({ code: 'custom', path: ['checkpoints', i, 'id'], message: 'duplicate id' });
      seen.add(cp.id);
      if (!c.licences[cp.licence]) missing(['checkpoints', i, 'licence'], 'licence', cp.licence);
      if (!c.architectures[cp.architecture])
        missing(['checkpoints', i, 'architecture'], 'architecture', cp.architecture);
      if (cp.preferredResolutionPx % cp.patchSize !== 0 || cp.maxResolutionPx % cp.patchSize !== 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['checkpoints', i, 'preferredResolutionPx'],
          message: 'resolutions must be multiples of the patch size',
        });
      }
      cp.adaptors.forEach((a, j) => {
        const where = ['checkpoints', i, 'adaptors', j];
        if (a.role === 'language' && !c.textTowers[a.textTower]) missing(where, 'text tower', a.textTower);
        if (a.role === 'sam' && !c.samWeights[a.samWeights]) missing(where, 'SAM weights', a.samWeights);
      });
    });
    for (const [key, t] of Object.entries(c.textTowers)) {
      if (t.licence !== null && !c.licences[t.licence])
        missing(['textTowers', key, 'licence'], 'licence', t.licence);
    }
    for (const [key, s] of Object.entries(c.samWeights)) {
      if (!c.licences[s.licence]) missing(['samWeights', key, 'licence'], 'licence', s.licence);
    }
  });
export type Catalogue = z.infer<typeof catalogueSchema>;
export type CatalogueLicence = z.infer<typeof licenceSchema>;

export class CatalogueError extends AppError {
  override readonly name = 'CatalogueError';
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** `models/catalogue.json` beside the built-in bundles. */
export function builtInCataloguePath(): string {
  return path.join(builtInModelsDir(), 'catalogue.json');
}

export function parseCatalogue(json: unknown, label: string): Catalogue {
  const r = catalogueSchema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new CatalogueError(`model catalogue ${label}: ${field}: ${issue?.message ?? 'invalid'}`);
}

export async function loadCatalogue(file = builtInCataloguePath()): Promise<Catalogue> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CatalogueError(`model catalogue not found: ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CatalogueError(`model catalogue ${file} is not valid JSON`);
  }
  return parseCatalogue(json, file);
}

export function findCheckpoint(c: Catalogue, id: string): CatalogueCheckpoint {
  const found = c.checkpoints.find((cp) => cp.id === id);
  if (!found) {
    throw new CatalogueError(
      `"${id}" is not in the model catalogue (known: ${c.checkpoints.map((cp) => cp.id).join(', ')})`,
    );
  }
  return found;
}

/** The language adaptor whose text tower can be converted (SigLIP2), if the checkpoint has one. */
export function convertibleLanguageAdaptor(
  c: Catalogue,
  cp: CatalogueCheckpoint,
): { adaptor: string; towerKey: string; tower: TextTowerSpec } | undefined {
  for (const a of cp.adaptors) {
    if (a.role !== 'language') continue;
    const tower = c.textTowers[a.textTower];
    if (tower?.format === 'siglip2') return { adaptor: a.name, towerKey: a.textTower, tower };
  }
  return undefined;
}

/** The SAM (v1) adaptor and its weights, if the checkpoint has one. */
export function samAdaptor(
  c: Catalogue,
  cp: CatalogueCheckpoint,
): { adaptor: string; weights: SamWeightsSpec } | undefined {
  for (const a of cp.adaptors) {
    if (a.role !== 'sam') continue;
    const weights = c.samWeights[a.samWeights];
    if (weights) return { adaptor: a.name, weights };
  }
  return undefined;
}

export function licenceOf(c: Catalogue, key: string): CatalogueLicence & { id: string } {
  const l = c.licences[key];
  if (!l) throw new CatalogueError(`unknown licence "${key}"`);
  return { id: key, ...l };
}
