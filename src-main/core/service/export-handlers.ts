import { type ServiceHandlers } from '@contract';
import { exportDataset, importAnnotations, projectExportSource, projectImportSink } from '../formats';
import { exportWithPolicy } from '../formats/export-target';
import { type ExportOptions } from '../formats/export-types';
import { type ProgressFn } from '../formats/source';
import { type DownloadStore } from './transfers';
import { type EventHub } from './event-hub';
import { type ProjectSession } from './project-session';

/** Dataset export and annotation import for the open project. */
export function createExportHandlers(
  session: ProjectSession,
  events: EventHub,
  downloads: DownloadStore,
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
  const exportTo = async (
    outDir: string,
    o: Pick<ExportOptions, 'format' | 'segmentation' | 'split' | 'seed' | 'imageFiles'> & {
      images: 'all' | 'done';
    },
  ) => {
    const result = await exportDataset(projectExportSource(session.require()), {
      format: o.format,
      outDir,
      ...(o.segmentation ? { segmentation: o.segmentation } : {}),
      images: o.images === 'done' ? { kind: 'status', statuses: ['done'] } : { kind: 'all' },
      ...(o.split ? { split: o.split } : {}),
      ...(o.seed === undefined ? {} : { seed: o.seed }),
      ...(o.imageFiles ? { imageFiles: o.imageFiles } : {}),
      onProgress: progress(),
    });
    return {
      outDir: result.outDir,
      images: result.images,
      annotations: result.annotations,
      warnings: result.warnings,
    };
  };
  const naming = (format: string) => {
    const project = session.require();
    return { projectDir: project.dir, projectName: project.name, format, now: new Date() };
  };
  return {
    exports: {
      run: ({ outDir, ifExists, ...options }) =>
        exportWithPolicy(outDir, ifExists, naming(options.format), (dir) => exportTo(dir, options)),
      prepareDownload: async (options) => {
        const { projectName, format } = naming(options.format);
        const fileName = `${projectName.replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'export'}-${format}.zip`;
        const r = await downloads.prepare(fileName, (dir) =>
          exportTo(dir, { ...options, imageFiles: 'copy' }),
        );
        return {
          downloadId: r.downloadId,
          fileName,
          images: r.images,
          annotations: r.annotations,
          warnings: r.warnings,
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
        };
      },
    },
  };
}
