import { mkdirSync, realpathSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { type ImageId, type ProjectInfo } from '@contract';
import { AnnotationsRepo } from '../db/annotations-repo';
import { DescriptorsRepo } from '../db/descriptors-repo';
import { DuplicateDismissalsRepo } from '../db/duplicate-dismissals-repo';
import { DEFAULT_CACHE_BUDGET_BYTES, SqliteEmbeddingCache } from '../db/embedding-cache';
import { IoError, translateSqliteError } from '../db/errors';
import { ImagesRepo } from '../db/images-repo';
import { JobsRepo } from '../db/jobs-repo';
import { LabelsRepo } from '../db/labels-repo';
import { PROJECT_DB_FILE, closeProjectDb, openProjectDb, schemaVersion, type Db } from '../db/open-db';
import { ProjectMetaRepo } from '../db/project-meta';
import { ProposalsRepo } from '../db/proposals-repo';
import { importImages, type ImportOptions, type ImportResult } from '../images/import';
import { openMediaAddress, type MediaBody } from '../images/media';
import { DEFAULT_MAX_INPUT_PIXELS } from '../images/probe';
import { detectMissing, relinkFolder } from '../images/relink';
import { thumbnailFile } from '../images/thumbnails';

export interface ProjectOptions {
  /** Embedding cache budget (app setting cacheBudgetBytes); default 4 GiB. */
  readonly cacheBudgetBytes?: number;
  /** Pixel cap for imports and decodes (app setting maxInputPixels). */
  readonly maxInputPixels?: number;
}

/** The project's own hidden folder (thumbnails); never imported from. */
const PROJECT_CACHE_DIR = '.radiolabel';

/**
 * One open project: a folder holding project.radiolabel.sqlite. Bundles the repositories (all of its SQL
 * lives in core/db; the connection itself is not handed out) and the file-facing operations (import,
 * media, relink) that the service and the jobs use.
 */
export class Project {
  readonly dir: string;
  readonly dbFile: string;
  readonly cacheDir: string;
  readonly images: ImagesRepo;
  readonly labels: LabelsRepo;
  readonly annotations: AnnotationsRepo;
  readonly embeddings: SqliteEmbeddingCache;
  readonly proposals: ProposalsRepo;
  readonly jobs: JobsRepo;
  readonly descriptors: DescriptorsRepo;
  /** Images marked as not duplicates of each other. */
  readonly duplicateDismissals: DuplicateDismissalsRepo;
  readonly #meta: ProjectMetaRepo;
  readonly #db: Db;
  /** This project's part of its media addresses (see images/media-key). */
  readonly mediaKey: string;
  maxInputPixels: number;
  #closed = false;

  private constructor(dir: string, db: Db, options: ProjectOptions) {
    this.dir = dir;
    this.dbFile = path.join(dir, PROJECT_DB_FILE);
    this.cacheDir = path.join(dir, PROJECT_CACHE_DIR);
    this.#db = db;
    this.#meta = new ProjectMetaRepo(db);
    this.mediaKey = this.#meta.mediaKey();
    this.images = new ImagesRepo(db, this.mediaKey);
    this.labels = new LabelsRepo(db);
    this.annotations = new AnnotationsRepo(db);
    this.embeddings = new SqliteEmbeddingCache(db, options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES);
    this.proposals = new ProposalsRepo(db, this.annotations);
    this.jobs = new JobsRepo(db);
    this.descriptors = new DescriptorsRepo(db);
    this.duplicateDismissals = new DuplicateDismissalsRepo(db);
    this.maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  }

  /**
   * A project over a connection the caller opened with openProjectDb (tests that need the connection
   * itself, e.g. to set SQLite's page quota). The project owns it from then on and closes it.
   */
  static fromDb(dir: string, db: Db, options: ProjectOptions = {}): Project {
    return new Project(path.resolve(dir), db, options);
  }

  /** Creates a project in `dir` (made if absent); opening an existing project there is not an error. */
  static create(dir: string, init: { name?: string } = {}, options: ProjectOptions = {}): Project {
    const abs = resolveDir(dir, true);
    const project = Project.construct(
      abs,
      openProjectDb(path.join(abs, PROJECT_DB_FILE), { create: true }),
      options,
    );
    try {
      if (project.#meta.get('name') === undefined) {
        project.#meta.set('name', init.name?.trim() || path.basename(abs));
        project.#meta.set('created_at', new Date().toISOString());
      } else if (init.name?.trim()) {
        project.#meta.set('name', init.name.trim());
      }
    } catch (e) {
      project.close();
      throw translateSqliteError(e, project.dbFile);
    }
    return project;
  }

  /** The constructor reads the database (a damaged file fails there): close it and say what is wrong. */
  private static construct(dir: string, db: Db, options: ProjectOptions): Project {
    try {
      return new Project(dir, db, options);
    } catch (e) {
      db.close();
      throw translateSqliteError(e, db.name);
    }
  }

  static open(dir: string, options: ProjectOptions = {}): Project {
    const abs = resolveDir(dir, false);
    return Project.construct(abs, openProjectDb(path.join(abs, PROJECT_DB_FILE), { create: false }), options);
  }

  get name(): string {
    return this.#meta.get('name') ?? path.basename(this.dir);
  }

  /** Opened read-only (a folder or file without write access): viewing and exporting work, edits do not. */
  get readOnly(): boolean {
    return this.#db.readonly;
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  info(): ProjectInfo {
    return {
      dir: this.dir,
      name: this.name,
      images: this.images.count(),
      labels: this.labels.count(),
      annotations: this.annotations.count(),
      schemaVersion: schemaVersion(this.#db),
      readOnly: this.readOnly,
      cacheBytes: this.embeddings.totalBytes(),
    };
  }

  importImages(inputs: readonly string[], options: ImportOptions = {}): Promise<ImportResult> {
    return importImages(this, inputs, { maxInputPixels: this.maxInputPixels, ...options });
  }

  /** The bytes behind a media address (`<key>/<id>/<hash>[/thumbnail]`), or undefined (404). */
  openMedia(address: string): Promise<MediaBody | undefined> {
    return openMediaAddress(this, address);
  }

  /**
   * Takes images out of the project (rows, annotations, proposals, cached embeddings, thumbnails). The
   * image files are the user's: they are never deleted. Returns how many images were removed.
   */
  async removeImages(ids: readonly ImageId[]): Promise<number> {
    const removed = this.images.remove(ids);
    await Promise.all(
      removed.map((r) => unlink(thumbnailFile(this.cacheDir, r.sha256)).catch(() => undefined)),
    );
    return removed.length;
  }

  detectMissing(): Promise<{ checked: number; missing: ImageId[] }> {
    return detectMissing(this);
  }

  relinkFolder(folder: string): Promise<{ relinked: number }> {
    return relinkFolder(this, folder);
  }

  /** Checkpoints the WAL into the main file and closes (see closeProjectDb); idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.embeddings.close();
    closeProjectDb(this.#db);
  }
}

function resolveDir(dir: string, create: boolean): string {
  const abs = path.resolve(dir);
  if (create) {
    try {
      mkdirSync(abs, { recursive: true });
    } catch (e) {
      throw new IoError('read_only', `cannot create the project folder ${abs}: ${(e as Error).message}`);
    }
  }
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}
