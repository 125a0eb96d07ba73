/** Public surface of the inference engine (see /tmp/engine-api.md for the agreed shape). */
export { createInferenceEngine } from './engine';
export type { CreateInferenceEngineOptions, EmbedImageOptions, InferenceEngine } from './engine';
export type { EngineImageEmbedding } from './embedding-codec';
export { fromStored, toStored, outputToGrid } from './embedding-codec';
export type { FeedTensor, OutputTensor } from './protocol';
export type { ExecutionProviderName, ProviderReport } from './providers';
export { parseProvider, UnknownProviderError, providerUnavailableReason } from './providers';
export { InferenceAbortedError, InferenceClient, WorkerCrashedError } from './inference-client';
export { OutOfVocabularyError, canonicalize } from './tokenizer';
export { chooseInputSize, patchToPixel, pixelToPatch, preprocessImageFile } from './preprocess';
export { tagImage, scoreTags, imageTextVector, type TagScore } from './tags';
export { MemoryEmbeddingCache } from './memory-cache';
export { fromHalf, toHalf } from './half';
export type { ModelSummary } from '../models/registry';
export type { BundleManifest } from '../models/manifest';
