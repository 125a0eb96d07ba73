import { AppError } from '../errors';

/**
 * Typed store errors. They all extend AppError, so `toApiError` turns them into data with the right code,
 * and callers can still branch with `instanceof`.
 */
export class NotFoundError extends AppError {
  constructor(message: string, details?: unknown) {
    super('not_found', message, details);
  }
}

export class InvalidInputError extends AppError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('invalid_input', `${field}: ${message}`, { field });
  }
}

/** A write based on a stale revision, or a uniqueness / in-use clash the caller must resolve. */
export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, details);
  }
}

export class RevisionConflictError extends ConflictError {
  constructor(
    readonly imageId: number,
    readonly baseRevision: number,
    readonly currentRevision: number,
  ) {
    super(
      `image ${imageId} is at revision ${currentRevision}, but the edit was based on revision ${baseRevision}: reload and retry`,
      { imageId, baseRevision, currentRevision },
    );
  }
}

export type IoFailure = 'disk_full' | 'read_only' | 'locked' | 'unreadable' | 'other';

export class IoError extends AppError {
  constructor(
    readonly failure: IoFailure,
    message: string,
  ) {
    super('io_error', message, { failure });
  }
}

/** A write to a project that is open read-only (or whose file cannot be written at all). */
export class ReadOnlyProjectError extends AppError {
  readonly failure = 'read_only';
  constructor(file: string, why: string) {
    super(
      'read_only',
      `${file} is read-only (${why}): it can be viewed and exported, but changes are not saved; copy the project to a writable folder to edit it`,
      { file },
    );
  }
}

/** SQLite found the file's pages damaged (a disk error, a copy cut short, another program writing it). */
export class DamagedProjectError extends AppError {
  constructor(file: string, detail: string) {
    super(
      'damaged_project',
      `the project file ${file} is damaged (${detail}): restore it from a backup, or recover what is readable with the sqlite3 tool's ".recover" command`,
      { file },
    );
  }
}

export class NotAProjectError extends AppError {
  constructor(file: string, why: string) {
    super('not_a_project', `${file} is not a RadioLabel project: ${why}`, { file });
  }
}

export class SchemaTooNewError extends AppError {
  constructor(file: string, found: number, supported: number) {
    super(
      'schema_too_new',
      `${file} uses schema version ${found}, but this RadioLabel supports up to ${supported}: update RadioLabel to open it`,
      { file, found, supported },
    );
  }
}

/**
 * SQLite failures the user can act on (disk full, read-only folder, locked file) become IoError with a
 * message naming the file; AppErrors pass through; anything else is rethrown untouched.
 */
export function translateSqliteError(e: unknown, file: string): unknown {
  if (e instanceof AppError) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const detail = e instanceof Error ? e.message : String(e);
  if (code.startsWith('SQLITE_FULL')) {
    return new IoError(
      'disk_full',
      `the disk is full: cannot write ${file} (${detail}); free some space and retry`,
    );
  }
  if (code.startsWith('SQLITE_READONLY')) return new ReadOnlyProjectError(file, detail);
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    return new IoError(
      'read_only',
      `cannot write ${file} (${detail}): the project folder must be writable (the database and its -wal/-shm files live there)`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new IoError(
      'locked',
      `${file} is locked by another process (${detail}); close it there and retry`,
    );
  }
  if (code.startsWith('SQLITE_IOERR')) return new IoError('other', `I/O error on ${file}: ${detail}`);
  if (code.startsWith('SQLITE_CORRUPT')) return new DamagedProjectError(file, detail);
  if (code.startsWith('SQLITE_NOTADB')) return new NotAProjectError(file, detail);
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new AppError(
      'not_found',
      'the request refers to a label, image or annotation that does not exist in this project',
    );
  }
  return e;
}

type SafeParsed<T> =
  | { success: true; data: T }
  | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

/** A schema's verdict as the value, or an InvalidInputError naming the field and the first issue's path. */
export function parsedOrThrow<T>(parsed: SafeParsed<T>, field: string, fallback: string): T {
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `.${issue.path.map(String).join('.')}` : '';
  throw new InvalidInputError(`${field}${where}`, issue?.message ?? fallback);
}
