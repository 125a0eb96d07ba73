import { type Geometry } from '@contract';

/** How an annotation file names its image; the matcher tries path, then name, then content hash. */
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
  /** YOLO label files are tied to images by stem only: a unique stem is enough to match. */
  readonly stemMatch?: boolean;
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
  /** Where it came from, for error messages: `file:line` or `file: annotations[3]`. */
  readonly where: string;
}

export interface ParsedImage {
  readonly ref: ImageRef;
  readonly annotations: readonly ParsedAnnotation[];
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
