import path from 'node:path';
import { type AttributeSpec, type ImageId, type LabelId } from '@contract';
import type { ImageRecord } from '../db/images-repo';
import type { Project } from '../project';
import type {
  DeclaredLabel,
  ExportAnnotation,
  ExportImage,
  ExportLabel,
  ExportSource,
  ImageFilter,
  ImportSink,
  LabelDecl,
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
      return Promise.resolve(
        project.labels.list().map((l) => ({
          id: l.id,
          name: l.name,
          color: l.color,
          supercategory: l.supercategory,
          categoryId: l.categoryId,
          attributes: l.attributes,
        })),
      );
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
      return Promise.resolve(project.annotations.list(imageId).items);
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
    declareLabel(decl: LabelDecl): Promise<DeclaredLabel> {
      return Promise.resolve(declareProjectLabel(project, decl));
    },
    declareAttributes(labelId: LabelId, specs: readonly AttributeSpec[]): Promise<readonly AttributeSpec[]> {
      return Promise.resolve(project.labels.declareAttributes(labelId, specs));
    },
    maxGroupId(imageId: ImageId): Promise<number> {
      return Promise.resolve(project.annotations.maxGroupId(imageId));
    },
    addAnnotations(annotations: readonly NewAnnotation[]): Promise<{ added: number; duplicates: number }> {
      return Promise.resolve(
        project.annotations.importBatch(
          annotations.map((a) => ({
            ...a,
            // Scores outside [0,1] (some detectors write logits) are not probabilities: drop them.
            score: a.score !== null && a.score >= 0 && a.score <= 1 ? a.score : null,
          })),
        ),
      );
    },
  };
}

/**
 * A file's category as a project label: created with its id, supercategory and attributes, or, when a
 * label of that name exists, completed with what it lacks (its own fields win).
 */
function declareProjectLabel(project: Project, decl: LabelDecl): DeclaredLabel {
  const holder = decl.categoryId === undefined ? undefined : project.labels.findByCategoryId(decl.categoryId);
  const existing = project.labels.findByName(decl.name);
  const idTaken = holder !== undefined && holder.id !== existing?.id;
  const warning = idTaken
    ? `category id ${decl.categoryId} already belongs to label "${holder.name}"; this label keeps its name without the id`
    : undefined;
  const categoryId = idTaken ? undefined : decl.categoryId;
  if (existing === undefined) {
    const created = project.labels.create({
      name: decl.name,
      ...(decl.color === undefined ? {} : { color: decl.color }),
      ...(categoryId === undefined ? {} : { categoryId }),
      ...(decl.supercategory === undefined ? {} : { supercategory: decl.supercategory }),
      ...(decl.attributes === undefined ? {} : { attributes: decl.attributes }),
    });
    return { id: created.id, attributes: created.attributes, ...(warning ? { warning } : {}) };
  }
  const changes = {
    ...(existing.categoryId === null && categoryId !== undefined ? { categoryId } : {}),
    ...(existing.supercategory === '' && decl.supercategory ? { supercategory: decl.supercategory } : {}),
  };
  if (Object.keys(changes).length > 0) project.labels.update(existing.id, changes);
  const attributes =
    decl.attributes === undefined
      ? existing.attributes
      : project.labels.declareAttributes(existing.id, decl.attributes);
  return { id: existing.id, attributes, ...(warning ? { warning } : {}) };
}
