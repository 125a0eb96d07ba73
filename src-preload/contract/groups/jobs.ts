import { z } from 'zod';
import { ImageIdSchema, JobIdSchema, LabelIdSchema } from '../ids';
import { ProviderStatusSchema } from './inference';
import { method } from './method';

export const JobKindSchema = z.enum(['embed', 'auto_label', 'propagate']);
export type JobKind = z.infer<typeof JobKindSchema>;
export const JobStateSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobStateSchema>;

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
  /**
   * Present when another live process (a CLI run, a second app) holds the job: it runs there and is not
   * computed here; if that process dies, the job is taken over once its lease runs out.
   */
  runningElsewhere: z.object({ pid: z.number().int(), host: z.string() }).optional(),
});
export type Job = z.infer<typeof JobSchema>;

/**
 * Which encoder pass a job works on. The model defaults to the selected one (the service fills it in
 * before the job is stored); the resolution is a short side in pixels (short-side bundles only).
 */
const modelId = z.string().min(1).max(128);
const resolution = z.number().int().min(16).max(4096);
/** 'all', 'new' (status new), 'uncached' (no embedding yet for the job's model), or explicit image ids. */
export const JobImagesSchema = z.union(
  [z.enum(['all', 'new', 'uncached']), z.array(ImageIdSchema).min(1).max(100_000)],
  { error: 'expected "all", "new", "uncached" or a list of image ids' },
);
export type JobImages = z.infer<typeof JobImagesSchema>;

/*
 * Job parameters carry no defaults here: a job is stored with exactly the parameters it was given (the
 * handler applies its defaults), so that the same request finds and resumes the same unfinished job.
 * The key order of each schema is the order in which parameters are stored.
 */
export const EmbedParamsSchema = z.object({
  modelId: modelId.optional(),
  resolution: resolution.optional(),
  /** Default: uncached. */
  images: JobImagesSchema.optional(),
});

export const AutoLabelParamsSchema = z.object({
  modelId: modelId.optional(),
  resolution: resolution.optional(),
  /** Default: all. */
  images: JobImagesSchema.optional(),
  /** Each label with one or more prompts; several prompts are averaged into one query (a prompt ensemble). */
  prompts: z
    .array(
      z.object({
        labelId: LabelIdSchema,
        texts: z.array(z.string().trim().min(1).max(200)).min(1).max(16),
      }),
    )
    .min(1, 'give at least one label prompt')
    .max(256),
  /** Instances whose mean probability is below this are dropped (default 0.5). */
  minScore: z.number().min(0).max(1).optional(),
  /** Smallest instance in image pixels; default one patch's footprint. */
  minAreaPx: z.number().int().nonnegative().optional(),
  /** A prompt competing for the unprompted areas (default "background"); null for none. */
  background: z.string().trim().min(1).max(200).nullable().optional(),
  thresholdProb: z.number().gt(0).lt(1).optional(),
  /** Image-guided edge refinement (default true). */
  refine: z.boolean().optional(),
});

export const PropagateParamsSchema = z.object({
  modelId: modelId.optional(),
  resolution: resolution.optional(),
  /** Default: every image without an annotation of the label. */
  images: z.array(ImageIdSchema).min(1).max(100_000).optional(),
  labelId: LabelIdSchema,
  /** Added to the learned threshold: > 0 for fewer, surer proposals (default 0). */
  thresholdOffset: z.number().min(-1).max(1).optional(),
  /** Proposals whose mean probability is below this are dropped (default 0.5). */
  minScore: z.number().min(0).max(1).optional(),
  /** Cosine threshold; default: learned from the labelled images. */
  threshold: z.number().min(-1).max(1).optional(),
  minAreaPx: z.number().int().nonnegative().optional(),
  /** At most this many prototypes, the largest exemplars first (default 32). */
  maxPrototypes: z.number().int().positive().max(256).optional(),
  refine: z.boolean().optional(),
});

/** What `jobs.start` and `jobs.run` take: the parameters are typed by the job's kind. */
export const JobStartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embed'), params: EmbedParamsSchema.default({}) }),
  z.object({ kind: z.literal('auto_label'), params: AutoLabelParamsSchema }),
  z.object({ kind: z.literal('propagate'), params: PropagateParamsSchema }),
]);
export type JobStart = z.infer<typeof JobStartSchema>;
export type JobParams<K extends JobKind> = Extract<JobStart, { kind: K }>['params'];

/** The params schema of each kind, for reading stored jobs back. */
export const JOB_PARAMS_SCHEMAS = {
  embed: EmbedParamsSchema,
  auto_label: AutoLabelParamsSchema,
  propagate: PropagateParamsSchema,
} as const satisfies { readonly [K in JobKind]: z.ZodType<JobParams<K>> };

const count = z.number().int().nonnegative();
/** An image the job could not process, with its file name and why. */
export const JobFailureSchema = z.object({ imageId: ImageIdSchema, name: z.string(), error: z.string() });
export type JobFailure = z.infer<typeof JobFailureSchema>;
const run = {
  job: JobSchema,
  resumed: z.boolean(),
  /** Images that failed (not processed); the first 1000 are listed in failedImages. */
  failed: count,
  failedImages: z.array(JobFailureSchema),
};

/** What a foreground run (`jobs.run`) reports, by kind. */
export const EmbedRunSchema = z.object({
  model: z.string(),
  provider: ProviderStatusSchema,
  /** "default", or the short side in pixels. */
  resolution: z.string(),
  images: count,
  /** Images embedded by this run (failed ones are not counted: they are in failed/failedImages). */
  embedded: count,
  /** Already cached before the run. */
  cached: count,
  ...run,
  seconds: z.number(),
});
export const AutoLabelRunSchema = z.object({
  ...run,
  model: z.string(),
  proposalsAdded: count,
  review: z.object({ images: count, proposals: count }),
  firstImageToReview: ImageIdSchema.nullable(),
});
export const PropagateRunSchema = z.object({
  ...run,
  label: z.object({ id: LabelIdSchema, name: z.string() }),
  exemplarImages: count,
  targetImages: count,
  proposalsAdded: count,
});
export type JobRunReport =
  z.infer<typeof EmbedRunSchema> | z.infer<typeof AutoLabelRunSchema> | z.infer<typeof PropagateRunSchema>;

/** One stored job with its parameters and item counts (the CLI's `jobs`). */
export const JobRecordSchema = z.object({
  id: JobIdSchema,
  kind: JobKindSchema,
  state: JobStateSchema,
  done: count,
  total: count,
  failed: count,
  error: z.string().nullable(),
  params: z.unknown(),
  items: z.object({ pending: count, done: count, failed: count, skipped: count }),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  runningElsewhere: JobSchema.shape.runningElsewhere,
});

export const jobsGroup = {
  list: method(z.object({}), z.array(JobSchema)),
  /** Queues a job in the background; progress arrives as job_progress events. */
  start: method(JobStartSchema, JobSchema),
  /**
   * Runs a job in the foreground: resumes the unfinished job of the same kind and parameters if there is
   * one (a command run again after Ctrl-C carries on), else starts it; answers when it has ended.
   */
  run: method(JobStartSchema, z.union([EmbedRunSchema, AutoLabelRunSchema, PropagateRunSchema])),
  cancel: method(z.object({ jobId: JobIdSchema }), JobSchema),
  /** Stored jobs, newest first, with parameters and item counts. */
  history: method(
    z.object({ limit: z.number().int().positive().max(10_000).default(50) }),
    z.array(JobRecordSchema),
  ),
};
