import { type Geometry } from '@contract';
import type { LabelDecl } from './source';

/**
 * How an annotation file names its image; the matcher tries the path, then the file name, then the
 * content hash (of the image next to the annotations, or of the bytes the file embeds), then the stem.
 */
export interface ImageRef {
  /** Shown in `unmatched` (e.g. the COCO file_name or the YOLO label file). */
  readonly display: string;
  /** Base name with extension (a bare stem when the image file is unknown). */
  readonly fileName: string;
  /** Path as written in the annotation file, forward slashes. */
  readonly relativePath?: string;
  /** Finds the image file on disk next to the annotations, if any (hashed for content matching; lazy,
   * because most images match by path or name and need no disk access). */
  readonly findLocalFile?: () => Promise<string | undefined>;
  /** sha256 of image bytes the annotation file itself carries (labelme imageData). */
  readonly contentSha256?: () => string | undefined;
  /** Last resort: a project image with this unique stem (YOLO label file, labelme JSON named like its image). */
  readonly stem?: string;
  /** Size declared in the annotation file, if any. */
  readonly widthPx?: number;
  readonly heightPx?: number;
}

export interface ParsedAnnotation {
  readonly labelName: string;
  /** Pixel coordinates, or fractions of the image size when `normalized` (YOLO). */
  readonly geometry: Geometry;
  readonly normalized: boolean;
  readonly iscrowd: boolean;
  readonly score: number | null;
  /** Attribute values as the file writes them; typed against the label's attributes on import. */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /** Shapes of one image with the same key are one object (CVAT group_id, labelme group_id). */
  readonly groupKey?: string | number | null;
  /**
   * The polygon is the four corners of an oriented box (YOLO OBB, labelme oriented_rectangle): it is
   * stored as a rotated box when they form a rectangle in pixels.
   */
  readonly orientedBox?: boolean;
  /** Where it came from, for error messages: `file:line` or `file: annotations[3]`. */
  readonly where: string;
}

export interface ParsedImage {
  readonly ref: ImageRef;
  readonly annotations: readonly ParsedAnnotation[];
}

/**
 * What a reader yields. Per-image formats yield `image` events carrying their annotations; COCO, whose
 * annotations may be anywhere in a file of any size, declares every image first and then streams
 * `annotation` events that point at an image by key.
 */
export type ImportEvent =
  | { readonly kind: 'labels'; readonly labels: readonly LabelDecl[] }
  | {
      readonly kind: 'image';
      readonly key: string;
      readonly ref: ImageRef;
      readonly annotations: readonly ParsedAnnotation[];
    }
  | { readonly kind: 'annotation'; readonly imageKey: string; readonly annotation: ParsedAnnotation }
  | { readonly kind: 'warning'; readonly message: string };

/** The events of one per-image reader result. */
export function imageEvent(key: string, parsed: ParsedImage): ImportEvent {
  return { kind: 'image', key, ref: parsed.ref, annotations: parsed.annotations };
}

/** Collects import errors, capped so that a hostile file cannot grow the result without bound. */
export class ErrorList {
  private readonly items: string[] = [];
  private dropped = 0;
  constructor(private readonly max = 1000) {}
  add(message: string): void {
    if (this.items.length < this.max) this.items.push(message);
    else this.dropped++;
  }
  get size(): number {
    return this.items.length + this.dropped;
  }
  toArray(): string[] {
    return this.dropped > 0 ? [...this.items, `… and ${this.dropped} more error(s)`] : [...this.items];
  }
}

export interface ReaderOptions {
  /** Files larger than this are rejected with a clear error instead of exhausting memory. */
  readonly maxFileBytes?: number;
}
