/** Dataset formats: the export and the annotation import the service runs on the open project. */
export { exportDataset } from './export-dataset';
export { importAnnotations } from './import-annotations';
export { projectExportSource, projectImportSink } from './project-adapter';
