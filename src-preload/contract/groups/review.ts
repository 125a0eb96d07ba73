import { z } from 'zod';
import { AnnotationIdSchema, ImageIdSchema, LabelIdSchema } from '../ids';
import { GeometrySchema } from '../geometry';
import { method } from './method';

/** A stored proposal from a batch job (auto-label or label-all-similar), waiting for review. */
export const StoredProposalSchema = z.object({
  id: z.number().int().positive(),
  imageId: ImageIdSchema,
  labelId: LabelIdSchema,
  source: z.enum(['text', 'propagated']),
  geometry: GeometrySchema,
  score: z.number(),
  areaPx: z.number().int().nonnegative(),
});
export type StoredProposal = z.infer<typeof StoredProposalSchema>;

const accepted = z.object({ annotationIds: z.array(AnnotationIdSchema), revision: z.number().int() });

const ReviewQueueSchema = z.array(z.object({ imageId: ImageIdSchema, pending: z.number().int() }));

export const reviewGroup = {
  /** Images with pending proposals, in review order. */
  queue: method(z.object({}), ReviewQueueSchema),
  /** The queue with the proposal counts by state. */
  summary: method(
    z.object({}),
    z.object({
      counts: z.object({ pending: z.number().int(), accepted: z.number().int(), rejected: z.number().int() }),
      queue: ReviewQueueSchema,
    }),
  ),
  list: method(z.object({ imageId: ImageIdSchema }), z.array(StoredProposalSchema)),
  /** Accept one proposal, optionally edited (another label, or corrected geometry). */
  accept: method(
    z.object({
      proposalId: z.number().int().positive(),
      labelId: LabelIdSchema.optional(),
      geometry: GeometrySchema.optional(),
    }),
    accepted,
  ),
  acceptAll: method(z.object({ imageId: ImageIdSchema }), accepted),
  reject: method(z.object({ proposalId: z.number().int().positive() }), z.null()),
  rejectAll: method(z.object({ imageId: ImageIdSchema }), z.object({ rejected: z.number().int() })),
};
