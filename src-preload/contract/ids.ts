import { z } from 'zod';

/** Branded ids: a LabelId can never be passed where an ImageId is expected. */
export const ImageIdSchema = z.number().int().positive().brand<'ImageId'>();
export type ImageId = z.infer<typeof ImageIdSchema>;
export const LabelIdSchema = z.number().int().positive().brand<'LabelId'>();
export type LabelId = z.infer<typeof LabelIdSchema>;
export const AnnotationIdSchema = z.number().int().positive().brand<'AnnotationId'>();
export type AnnotationId = z.infer<typeof AnnotationIdSchema>;
export const JobIdSchema = z.number().int().positive().brand<'JobId'>();
export type JobId = z.infer<typeof JobIdSchema>;

export const asImageId = (n: number): ImageId => n as ImageId;
export const asLabelId = (n: number): LabelId => n as LabelId;
export const asAnnotationId = (n: number): AnnotationId => n as AnnotationId;
export const asJobId = (n: number): JobId => n as JobId;
/**
 * A file or folder path as the user typed it: bounded, and never with a NUL byte (which no file system
 * accepts, and Node refuses with an unhelpful message).
 */
export const FilePathSchema = z
  .string()
  .min(1, 'a path is needed')
  .max(4096)
  .refine((p) => !p.includes('\u0000'), 'a path cannot contain a NUL byte');
