/** Checkpoint → bundle conversion in TypeScript (RADIO encoder + SigLIP/SigLIP2 text tower), no Python. */
export {
  convertRadioCheckpoint,
  DEFAULT_TEMPLATES,
  TEXT_MAX_LENGTH,
  writeBundleManifest,
  type ConvertProgress,
  type ConvertRadioOptions,
} from './convert-radio';
export { CheckpointError } from './checkpoint';
export { WEIGHT_DTYPES, type WeightDtype } from './weight-emitter';
export { SafetensorsError, SafetensorsFile, writeSafetensors, type TensorInfo } from './safetensors';
