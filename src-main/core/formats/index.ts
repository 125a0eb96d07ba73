/** Dataset formats: the public surface that the service, jobs and CLI use. */
export { exportDataset } from './export-dataset';
export type {
  ExportFormat,
  ExportOptions,
  ExportResult,
  ImageFileMode,
  SegmentationMode,
} from './export-types';
export { importAnnotations, type ImportFormat, type ImportOptions } from './import-annotations';
export { projectExportSource, projectImportSink } from './project-adapter';
export type * from './source';
