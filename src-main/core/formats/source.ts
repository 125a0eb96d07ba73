import {
  type AnnotationSource,
  type Geometry,
  type ImageStatus,
  type AnnotationId,
  type ImageId,
  type LabelId,
} from '@contract';

/**
 * The small interfaces between the dataset formats and a project. Writers only ever see one page of images
 * and one image's annotations at a time, so an export never holds the whole project in memory.
 */

export interface ExportImage {
  readonly id: ImageId;
  /** Base name, e.g. `a.jpg`. */
  readonly fileName: string;
  /** Path relative to the project folder, with forward slashes, e.g. `photos/a.jpg`. */
  readonly relativePath: string;
  readonly absolutePath: string;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly status: ImageStatus;
  readonly sha256: string | null;
}

export interface ExportAnnotation {
  readonly id: AnnotationId;
  readonly labelId: LabelId;
  readonly geometry: Geometry;
  readonly score: number | null;
  readonly source: AnnotationSource;
  readonly iscrowd?: boolean;
}

export interface ExportLabel {
  readonly id: LabelId;
  readonly name: string;
  /** `#rrggbb`. */
  readonly color: string;
}

export type ImageFilter =
  { readonly kind: 'all' } | { readonly kind: 'status'; readonly statuses: readonly ImageStatus[] };

export interface ExportSource {
  /** Labels in display order; category/class indices follow this order. */
  labels(): Promise<readonly ExportLabel[]>;
  /** Pages of images in a stable order (the same order on every call). */
  imagePages(filter: ImageFilter, pageSize: number): AsyncIterable<readonly ExportImage[]>;
  annotationsOf(imageId: ImageId): Promise<readonly ExportAnnotation[]>;
}

export interface ProgressEvent {
  readonly phase: 'scan' | 'images' | 'annotations' | 'finalize' | 'parse' | 'import';
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}
export type ProgressFn = (event: ProgressEvent) => void;

// ---------------------------------------------------------------------------------------------------
// Import

/** A project image as seen by the importer (for matching by path, name or content hash). */
export interface ProjectImageRef {
  readonly id: ImageId;
  readonly fileName: string;
  readonly relativePath: string;
  readonly sha256: string | null;
  readonly widthPx: number;
  readonly heightPx: number;
}

export interface ExistingAnnotation {
  readonly labelId: LabelId;
  readonly geometry: Geometry;
}

export interface NewAnnotation {
  readonly labelId: LabelId;
  readonly geometry: Geometry;
  readonly score: number | null;
  readonly iscrowd: boolean;
}

export interface ImportSink {
  /** Every project image (only ids, names and hashes are kept in memory). */
  images(): AsyncIterable<ProjectImageRef> | Iterable<ProjectImageRef>;
  /** The id of the label with this name, created when missing. */
  ensureLabel(name: string): Promise<LabelId>;
  existingAnnotations(imageId: ImageId): Promise<readonly ExistingAnnotation[]>;
  /** Adds annotations to one image (source = imported), in one transaction. */
  addAnnotations(imageId: ImageId, annotations: readonly NewAnnotation[]): Promise<void>;
}

export interface ImportResult {
  readonly imported: number;
  /** Annotations already present (same image, label and geometry): not added again. */
  readonly duplicates: number;
  readonly matchedImages: number;
  /** Image references in the file that match no project image. */
  readonly unmatched: string[];
  /** `file:line: message` or `file: field: message`; the rest of the import still completes. */
  readonly errors: string[];
}
