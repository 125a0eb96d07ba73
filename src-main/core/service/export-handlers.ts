import { type ServiceHandlers } from '../../../src-preload/contract/spec';
import { exportDataset, importAnnotations, projectExportSource, projectImportSink } from '../formats';
import { type ProjectSession } from './project-session';

/** Dataset export and annotation import for the open project. */
export function createExportHandlers(session: ProjectSession): Pick<ServiceHandlers, 'exports'> {
  return {
    exports: {
      run: async ({ format, outDir, segmentation, images, split, seed, imageFiles }) => {
        const result = await exportDataset(projectExportSource(session.require()), {
          format,
          outDir,
          segmentation,
          images: images === 'done' ? { kind: 'status', statuses: ['done'] } : { kind: 'all' },
          ...(split ? { split } : {}),
          seed,
          imageFiles,
        });
        return {
          outDir: result.outDir,
          images: result.images,
          annotations: result.annotations,
          warnings: result.warnings,
        };
      },
      importAnnotations: async ({ format, path }) => {
        const r = await importAnnotations(projectImportSink(session.require()), { format, path });
        return {
          imported: r.imported,
          matchedImages: r.matchedImages,
          unmatched: r.unmatched,
          errors: r.errors,
        };
      },
    },
  };
}
