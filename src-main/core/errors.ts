import { ApiErrorCodeSchema, type ApiError, type ApiErrorCode } from '../../src-preload/contract/result';

/** The error every core module throws for a failure the user can act on; adapters turn it into data. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * Any thrown value → ApiError. Errors from core modules carry a `code` (AppError, or a module's own error
 * class with a compatible code); anything else is an internal error whose message is still passed on so
 * that nothing is lost.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const parsed = ApiErrorCodeSchema.safeParse(code);
    const details = (e as { details?: unknown }).details;
    const out: ApiError = { code: parsed.success ? parsed.data : 'internal', message: e.message };
    return details === undefined ? out : { ...out, details };
  }
  return { code: 'internal', message: String(e) };
}
