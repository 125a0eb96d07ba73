/** Model bundles: manifest schema, registry (built-in + user dir), verification, download and import. */
export {
  BundleError,
  bundleManifestSchema,
  EXECUTION_PROVIDERS,
  manifestFiles,
  parseManifest,
  type BundleManifest,
  type ExecutionProviderName,
  type ResolutionPolicy,
} from './manifest';
export {
  checkEncoderGraph,
  checkMaskDecoderGraph,
  checkMaskDecoderNeckGraph,
  checkTextGraph,
  type GraphInfo,
} from './graph-check';
export {
  builtInModelsDir,
  ModelRegistry,
  summarize,
  userModelsDir,
  type BrokenBundle,
  type ModelSummary,
  type RegisteredBundle,
} from './registry';
export { readManifest, sha256File, verifyBundleDir, verifyBundleFiles, verifyBundleGraphs } from './verify';
export { downloadFile, DownloadError, type DownloadFileOptions, type FileProgress } from './download';
export {
  candidateUrls,
  importBundleFolder,
  installBundleFromUrl,
  type DownloadBundleOptions,
  type InstalledBundle,
  type InstallOptions,
} from './install';
export {
  convertSamDecoder,
  SAM_DECODER_FILE,
  SAM_NECK_FILE,
  type ConvertSamOptions,
  type EncoderSamGrid,
  type MaskDecoderManifestSection,
  type SamConversion,
} from './convert/sam/convert-sam';
export { SamConvertError } from './convert/sam/sam-config';
