import { z } from 'zod';

/** Errors cross IPC and HTTP as data, never as thrown exceptions. */
export const ApiErrorCodeSchema = z.enum([
  'invalid_input',
  'not_found',
  'conflict',
  'io_error',
  /** The project is open read-only (its folder or database file is not writable): edits are refused. */
  'read_only',
  'not_a_project',
  /** The project database is damaged (SQLite reports corruption): restore or recover it. */
  'damaged_project',
  'schema_too_new',
  'no_project',
  'model_error',
  'out_of_vocabulary',
  'cancelled',
  'payload_too_large',
  'forbidden',
  'unavailable',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

/** Where an input failed validation (an invalid_input error's `details.issues`): the field's path, and why. */
export const InputIssueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type InputIssue = z.infer<typeof InputIssueSchema>;

export const ApiErrorSchema = z.object({
  code: ApiErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: ApiErrorCode, message: string, details?: unknown): Result<never> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});
