import { ApiErrorCodeSchema, type ApiError, type ApiErrorCode } from '@contract';

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

/** Error classes of core modules that carry no `code`, by class name (no imports: no cycles). */
const CODE_BY_ERROR_NAME: Readonly<Record<string, ApiErrorCode>> = {
  OutOfVocabularyError: 'out_of_vocabulary',
  BundleError: 'model_error',
  WorkerCrashedError: 'model_error',
  InferenceAbortedError: 'cancelled',
  AbortError: 'cancelled',
  UnknownProviderError: 'invalid_input',
  PromptError: 'invalid_input',
  ZodError: 'invalid_input',
};

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
    const out: ApiError = {
      code: parsed.success ? parsed.data : (CODE_BY_ERROR_NAME[e.name] ?? 'internal'),
      message: e.message,
    };
    return details === undefined ? out : { ...out, details };
  }
  return { code: 'internal', message: String(e) };
}
