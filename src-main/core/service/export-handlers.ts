import { type ServiceHandlers } from '@contract';
import { exportDataset, importAnnotations, projectExportSource, projectImportSink } from '../formats';
import { exportWithPolicy } from '../formats/export-target';
import { type DownloadStore } from './transfers';
import { type EventHub } from './event-hub';
import { type ProjectSession } from './project-session';
import { transferProgress } from './transfer-progress';

/** Dataset export and annotation import for the open project. */
export function createExportHandlers(
  session: ProjectSession,
  events: EventHub,
  downloads: DownloadStore,
): Pick<ServiceHandlers, 'exports'> {
  type ExportInput = Omit<Parameters<ServiceHandlers['exports']['run']>[0], 'outDir' | 'ifExists'>;
  const exportTo = async (outDir: string, o: ExportInput) => {
    const result = await exportDataset(projectExportSource(session.require()), {
      format: o.format,
      outDir,
      segmentation: o.segmentation,
      boxSegmentation: o.boxSegmentation,
      images:
        o.images === 'all'
          ? { kind: 'all' }
          : { kind: 'status', statuses: o.images === 'done' ? ['done'] : o.images },
      ...(o.split ? { split: o.split } : {}),
      seed: o.seed,
      imageFiles: o.imageFiles,
      onProgress: transferProgress(events),
    });
    return {
      outDir: result.outDir,
      images: result.images,
      annotations: result.annotations,
      warnings: result.warnings,
      counts: result.counts,
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
          counts: r.counts,
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
