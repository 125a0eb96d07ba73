import { type ServiceHandlers } from '@contract';
import { exportDataset, importAnnotations, projectExportSource, projectImportSink } from '../formats';
import { type ProgressFn } from '../formats/source';
import { type EventHub } from './event-hub';
import { type ProjectSession } from './project-session';

/** Dataset export and annotation import for the open project. */
export function createExportHandlers(
  session: ProjectSession,
  events: EventHub,
): Pick<ServiceHandlers, 'exports'> {
  // At most one progress event per image would flood the socket on big projects: ~10 per second is plenty.
  const progress = (): ProgressFn => {
    let lastMs = 0;
    return ({ phase, done, total }) => {
      const now = Date.now();
      if (now - lastMs < 100 && done < total) return;
      lastMs = now;
      events.emit({ kind: 'transfer_progress', phase, done, total });
    };
  };
  return {
    exports: {
      run: async ({ format, outDir, segmentation, boxSegmentation, images, split, seed, imageFiles }) => {
        const result = await exportDataset(projectExportSource(session.require()), {
          format,
          outDir,
          segmentation,
          boxSegmentation,
          images: images === 'done' ? { kind: 'status', statuses: ['done'] } : { kind: 'all' },
          ...(split ? { split } : {}),
          seed,
          imageFiles,
          onProgress: progress(),
        });
        return {
          outDir: result.outDir,
          images: result.images,
          annotations: result.annotations,
          warnings: result.warnings,
        };
      },
      importAnnotations: async ({ format, path }) => {
        const r = await importAnnotations(projectImportSink(session.require()), {
          format,
          path,
          onProgress: progress(),
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
