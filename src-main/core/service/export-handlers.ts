import { type ServiceHandlers } from '@contract';
import { exportDataset, importAnnotations, projectExportSource, projectImportSink } from '../formats';
import { type EventHub } from './event-hub';
import { type ProjectSession } from './project-session';
import { transferProgress } from './transfer-progress';

/** Dataset export and annotation import for the open project. */
export function createExportHandlers(
  session: ProjectSession,
  events: EventHub,
): Pick<ServiceHandlers, 'exports'> {
  return {
    exports: {
      run: async ({ format, outDir, segmentation, boxSegmentation, images, split, seed, imageFiles }) => {
        const result = await exportDataset(projectExportSource(session.require()), {
          format,
          outDir,
          segmentation,
          boxSegmentation,
          images:
            images === 'all'
              ? { kind: 'all' }
              : { kind: 'status', statuses: images === 'done' ? ['done'] : images },
          ...(split ? { split } : {}),
          seed,
          imageFiles,
          onProgress: transferProgress(events),
        });
        return {
          outDir: result.outDir,
          images: result.images,
          annotations: result.annotations,
          warnings: result.warnings,
          counts: result.counts,
        };
      },
      importAnnotations: async ({ format, path }) => {
        const r = await importAnnotations(projectImportSink(session.require()), {
          format,
          path,
          onProgress: transferProgress(events),
        });
        return {
          imported: r.imported,
          matchedImages: r.matchedImages,
          unmatched: r.unmatched,
          errors: r.errors,
          duplicates: r.duplicates,
          warnings: r.warnings,
        };
      },
    },
  };
}
