import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type ImageId, type LabelId } from '@contract';
import type { ImageRecord } from '../db/images-repo';
import type { Project } from '../project';
import type {
  ExistingAnnotation,
  ExportAnnotation,
  ExportImage,
  ExportLabel,
  ExportSource,
  ImageFilter,
  ImportSink,
  NewAnnotation,
  ProjectImageRef,
} from './source';

/** How many image rows one page read fetches (pageAfter is an indexed range scan). */
const SCAN_PAGE = 1000;

function toExportImage(project: Project, rec: ImageRecord): ExportImage {
  const absolutePath = path.resolve(project.dir, rec.path);
  const relative = path.isAbsolute(rec.path) ? path.relative(project.dir, rec.path) : rec.path;
  return {
    id: rec.id,
    fileName: rec.name,
    relativePath: relative.split(path.sep).join('/'),
    absolutePath,
    widthPx: rec.widthPx,
    heightPx: rec.heightPx,
    status: rec.status,
    sha256: rec.sha256,
  };
}

function* allImages(project: Project): Generator<ImageRecord> {
  let after = 0;
  for (;;) {
    const page = project.images.pageAfter(after, SCAN_PAGE);
    if (page.length === 0) return;
    yield* page;
    after = page[page.length - 1]!.id;
  }
}

const keep = (filter: ImageFilter, rec: ImageRecord): boolean =>
  filter.kind === 'all' || filter.statuses.includes(rec.status);

/** A project as an export source: images in id order, read page by page; annotations per image. */
export function projectExportSource(project: Project): ExportSource {
  return {
    labels(): Promise<readonly ExportLabel[]> {
      return Promise.resolve(project.labels.list().map((l) => ({ id: l.id, name: l.name, color: l.color })));
    },
    async *imagePages(filter: ImageFilter, pageSize: number): AsyncIterable<readonly ExportImage[]> {
      let page: ExportImage[] = [];
      for (const rec of allImages(project)) {
        if (!keep(filter, rec)) continue;
        page.push(toExportImage(project, rec));
        if (page.length >= pageSize) {
          yield page;
          page = [];
          // Let progress events and cancellation through between pages.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      if (page.length > 0) yield page;
    },
    annotationsOf(imageId: ImageId): Promise<readonly ExportAnnotation[]> {
      // The store has no crowd flag: every annotation is exported as a single object (iscrowd 0).
      return Promise.resolve(
        project.annotations.list(imageId).items.map((a) => ({
          id: a.id,
          labelId: a.labelId,
          geometry: a.geometry,
          score: a.score,
          source: a.source,
        })),
      );
    },
  };
}

/** A project as an import target: labels are created by name, annotations added as `imported`. */
export function projectImportSink(project: Project): ImportSink {
  return {
    *images(): Iterable<ProjectImageRef> {
      for (const rec of allImages(project)) {
        const img = toExportImage(project, rec);
        yield {
          id: img.id,
          fileName: img.fileName,
          relativePath: img.relativePath,
          sha256: img.sha256,
          widthPx: img.widthPx,
          heightPx: img.heightPx,
        };
      }
    },
    ensureLabel(name: string): Promise<LabelId> {
      const found = project.labels.findByName(name);
      return Promise.resolve(found ? found.id : project.labels.create({ name }).id);
    },
    existingAnnotations(imageId: ImageId): Promise<readonly ExistingAnnotation[]> {
      return Promise.resolve(project.annotations.list(imageId).items);
    },
    addAnnotations(imageId: ImageId, annotations: readonly NewAnnotation[]): Promise<void> {
      const { revision } = project.annotations.list(imageId);
      project.annotations.applyPatch(
        imageId,
        {
          added: annotations.map((a) => ({
            // Unique per annotation: the store treats a repeated client id on an image as a re-send.
            clientId: `import:${randomUUID()}`,
            labelId: a.labelId,
            geometry: a.geometry,
            // Scores outside [0,1] (some detectors write logits) are not probabilities: drop them.
            score: a.score !== null && a.score >= 0 && a.score <= 1 ? a.score : null,
            source: 'imported' as const,
          })),
        },
        revision,
      );
      return Promise.resolve();
    },
  };
}
