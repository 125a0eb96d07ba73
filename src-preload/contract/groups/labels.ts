import { z } from 'zod';
import { AttributeSpecsSchema } from '../attributes';
import { LabelIdSchema } from '../ids';
import { method } from './method';

export const ColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colours are #rrggbb');
export const LabelSchema = z.object({
  id: LabelIdSchema,
  name: z.string(),
  color: ColorSchema,
  hotkey: z.string().nullable(),
  sort: z.number().int(),
  /** COCO supercategory ('' when none). */
  supercategory: z.string(),
  /** The category id this label had in an imported file (COCO ids have gaps), kept for the next export. */
  categoryId: z.number().int().nonnegative().nullable(),
  /** The attributes annotations of this label carry. */
  attributes: AttributeSpecsSchema,
  /** What auto-label prompts the model with; null: the label's name. */
  prompt: z.string().nullable(),
  annotationCount: z.number().int().nonnegative(),
});
export type Label = z.infer<typeof LabelSchema>;

const name = z.string().trim().min(1).max(200);
/** An empty prompt (or null) means "prompt with the name". */
const prompt = z.string().trim().max(200).nullable();
const hotkey = z
  .string()
  .regex(/^[0-9a-z]$/, 'a hotkey is one digit or letter')
  .nullable();
const supercategory = z.string().trim().max(200);
const categoryId = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31 - 1)
  .nullable();

/** The text a label is auto-labelled with. */
export const labelPrompt = (label: Pick<Label, 'name' | 'prompt'>): string => label.prompt ?? label.name;

/** Deleting a label that is in use needs an explicit choice. */
export const LabelRemovalSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('only_if_unused') }),
  z.object({ kind: z.literal('reassign'), toLabelId: LabelIdSchema }),
  z.object({ kind: z.literal('delete_annotations') }),
]);
export type LabelRemoval = z.infer<typeof LabelRemovalSchema>;

export const labelsGroup = {
  list: method(z.object({}), z.array(LabelSchema)),
  create: method(
    z.object({
      name,
      color: ColorSchema.optional(),
      hotkey: hotkey.optional(),
      supercategory: supercategory.optional(),
      categoryId: categoryId.optional(),
      attributes: AttributeSpecsSchema.optional(),
      prompt: prompt.optional(),
    }),
    LabelSchema,
  ),
  /** The labels of these names, creating the missing ones (existing labels are left as they are). */
  ensure: method(
    z.object({ names: z.array(name).min(1).max(1000), color: ColorSchema.optional() }),
    z.array(LabelSchema),
  ),
  update: method(
    z.object({
      labelId: LabelIdSchema,
      name: name.optional(),
      color: ColorSchema.optional(),
      hotkey: hotkey.optional(),
      sort: z.number().int().optional(),
      supercategory: supercategory.optional(),
      categoryId: categoryId.optional(),
      /** Replaces the label's attribute list (values already on annotations are kept). */
      attributes: AttributeSpecsSchema.optional(),
      prompt: prompt.optional(),
    }),
    LabelSchema,
  ),
  /** The labels in this order (the ones not listed keep their order after them); returns the new list. */
  reorder: method(z.object({ labelIds: z.array(LabelIdSchema).min(1).max(10_000) }), z.array(LabelSchema)),
  remove: method(
    z.object({ labelId: LabelIdSchema, strategy: LabelRemovalSchema }),
    z.object({ removedAnnotations: z.number().int(), reassigned: z.number().int() }),
  ),
};
