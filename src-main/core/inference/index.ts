/** The inference engine as the rest of core uses it: the engine, its errors, and zero-shot tags. */
export { createInferenceEngine } from './engine';
export type { InferenceEngine } from './engine';
export type { EngineImageEmbedding } from './embedding-codec';
export { fromStored, toStored } from './embedding-codec';
export type { FeedTensor } from './protocol';
export { UnknownProviderError } from './providers';
export { InferenceAbortedError, InferenceClient, WorkerCrashedError } from './inference-client';
export { OutOfVocabularyError } from './tokenizer';
export { tagImage, scoreTags, imageTextVector, type TagScore } from './tags';
export { decodeHalfInto, fromHalf } from './half';
