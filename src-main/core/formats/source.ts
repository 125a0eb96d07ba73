import {
  type AnnotationSource,
  type Attributes,
  type AttributeSpec,
  type Geometry,
  type ImageStatus,
  type AnnotationId,
  type ImageId,
  type LabelId,
} from '@contract';
import type { ImportedAnnotation } from '../db/annotations-repo';

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
  readonly iscrowd: boolean;
  readonly attributes: Attributes;
  /** Shapes of the image with the same group id are one object. */
  readonly groupId: number | null;
}

export interface ExportLabel {
  readonly id: LabelId;
  readonly name: string;
  /** `#rrggbb`. */
  readonly color: string;
  readonly supercategory: string;
  /** The COCO category id the label came with, if any (exports keep it). */
  readonly categoryId: number | null;
  readonly attributes: readonly AttributeSpec[];
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

/** One annotation to add (source `imported`): the store's own import record. */
export type NewAnnotation = ImportedAnnotation;

/** A category as a file declares it (COCO categories, CVAT labels, YOLO names). */
export interface LabelDecl {
  readonly name: string;
  /** `#rrggbb`, used only when the label is created. */
  readonly color?: string;
  readonly categoryId?: number;
  readonly supercategory?: string;
  readonly attributes?: readonly AttributeSpec[];
}

export interface DeclaredLabel {
  readonly id: LabelId;
  readonly attributes: readonly AttributeSpec[];
  /** Why part of the declaration could not be kept (e.g. its category id belongs to another label). */
  readonly warning?: string;
}

export interface ImportSink {
  /** Every project image (only ids, names and hashes are kept in memory). */
  images(): AsyncIterable<ProjectImageRef> | Iterable<ProjectImageRef>;
  /**
   * The label with this name, created with everything declared when missing; an existing label keeps
   * its fields and only gains the category id, supercategory and attributes it lacks.
   */
  declareLabel(decl: LabelDecl): Promise<DeclaredLabel>;
  /** Adds attribute specs the label lacks (by name); returns its specs. */
  declareAttributes(labelId: LabelId, specs: readonly AttributeSpec[]): Promise<readonly AttributeSpec[]>;
  /** The largest group id on the image (0 when none). */
  maxGroupId(imageId: ImageId): Promise<number>;
  /**
   * Adds annotations in one transaction; those the image already has (same label, kind and geometry)
   * are skipped and counted as duplicates.
   */
  addAnnotations(annotations: readonly NewAnnotation[]): Promise<{ added: number; duplicates: number }>;
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
  /** Notes on what was kept differently (clipped shapes, parts of a file not imported yet). */
  readonly warnings: string[];
}
