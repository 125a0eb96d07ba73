import type { BoxSegmentation } from './coco-geometry';
import type { ExportAnnotation, ExportImage, ExportLabel, ImageFilter, ProgressFn } from './source';

export type ExportFormat = 'coco' | 'yolo-detect' | 'yolo-seg' | 'yolo-obb' | 'voc' | 'labelme' | 'cvat';
/** How masks and polygons become COCO segmentations: auto = RLE only where polygons would lose pixels. */
export type SegmentationMode = 'polygon' | 'rle' | 'auto';
/** copy the image files, hard-link them (symlink or copy when that fails), or reference them in place. */
export type ImageFileMode = 'copy' | 'link' | 'reference';
export type SplitName = 'train' | 'val';

export interface ExportOptions {
  readonly format: ExportFormat;
  /** Final output folder; it must not exist yet, or be empty. */
  readonly outDir: string;
  readonly segmentation?: SegmentationMode;
  /** COCO boxes: their four-corner polygon (default; pycocotools' annToMask needs one) or no segmentation key. */
  readonly boxSegmentation?: BoxSegmentation;
  readonly images?: ImageFilter;
  /** Fractions of images for train and val (normalised); absent = everything in train. */
  readonly split?: { readonly train: number; readonly val: number };
  readonly seed?: number;
  readonly imageFiles?: ImageFileMode;
  readonly onProgress?: ProgressFn;
  readonly signal?: AbortSignal;
  /** Timestamp written in COCO `info.date_created` (tests pin it). */
  readonly now?: Date;
  /** Page size when reading images from the source. */
  readonly pageSize?: number;
}

export interface ExportResult {
  readonly outDir: string;
  readonly images: number;
  readonly annotations: number;
  readonly warnings: string[];
  /** Counters for the summary: shapesLostHoles, skippedPoints, skippedDegenerate, … */
  readonly counts: Record<string, number>;
}

/** One image as handed to a format writer, with where its file was placed in the export. */
export interface ExportItem {
  readonly image: ExportImage;
  readonly split: SplitName;
  readonly annotations: readonly ExportAnnotation[];
  /** Path of the image file relative to the export root (forward slashes), or null when referenced in place. */
  readonly placedPath: string | null;
  /** Unique stem within its folder (used for label/xml/json file names). */
  readonly stem: string;
}

export interface WriterContext {
  /** The temporary export root (renamed to the final folder at the end). */
  readonly rootDir: string;
  readonly finalDir: string;
  readonly labels: readonly ExportLabel[];
  readonly splits: readonly SplitName[];
  readonly segmentation: SegmentationMode;
  readonly imageFiles: ImageFileMode;
  readonly now: Date;
  /** Adds 1 (or n) to a summary counter. */
  readonly count: (key: string, n?: number) => void;
}

export interface FormatWriter {
  /** Folder (relative to the root) where the image files of this split go. */
  imageDir(split: SplitName): string;
  /** Pascal VOC loaders (torchvision, mmdet) open `JPEGImages/<id>.jpg`: other formats are converted. */
  readonly jpegOnly?: boolean;
  add(item: ExportItem): Promise<void>;
  /** Writes the remaining files (lists, data.yaml, closing JSON). */
  finish(): Promise<void>;
  /** Releases open files after a failure; never throws. */
  abort(): Promise<void>;
}
