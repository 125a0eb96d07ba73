import { z } from 'zod';
import { type ApiError, type ApiErrorCode } from '@contract';

/**
 * The error every core module throws for a failure the user can act on, with its contract error code;
 * the modules' own error classes (store errors, bundle errors, an unknown word) extend it. Adapters turn
 * it into data with `toApiError`.
 */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * Any thrown value → ApiError. An AppError keeps its code; a zod error is an invalid input; an aborted
 * platform operation (fetch, streams) was cancelled; anything else is an internal error whose message is
 * still passed on, so that nothing is lost.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof AppError) {
    const out: ApiError = { code: e.code, message: e.message };
    return e.details === undefined ? out : { ...out, details: e.details };
  }
  if (e instanceof z.ZodError) return { code: 'invalid_input', message: e.message };
  if (e instanceof DOMException && e.name === 'AbortError') return { code: 'cancelled', message: e.message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}
