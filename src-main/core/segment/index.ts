/** Public surface of the segmentation engine: pure typed-array functions plus the one-image pipeline. */
export * from './rle';
export { maskToPolygons, maskToRings, polygonsToMask, simplifyRing, type PolygonWithHoles } from './contours';
export { connectedComponents, componentMask, type Components, type Connectivity } from './components';
export {
  dilateMask,
  erodeMask,
  fillHoles,
  intersectMasks,
  maskArea,
  maskIou,
  removeSmallIslands,
  subtractMasks,
  unionMasks,
} from './mask-ops';
export { cosineMaps, gridScale, l2Normalize, sampleFeature } from './grid-ops';
export { otsuThreshold } from './threshold';
export { upsampleProbability, type RgbImage, type PixelRegion } from './upsample';
export { maskToInstances, instanceToJson, type InstanceJson, type SegmentInstance } from './instances';
export {
  segmentText,
  textProbabilities,
  defaultMinAreaPx,
  type Heatmap,
  type TextPrompt,
  type TextSegmentation,
  type TextSegmentInput,
  type TextSegmentOptions,
} from './text-prompt';
export { validatePrompts, type BoxPrompt, type ClickPoint } from './prompts';
export {
  segmentByClicks,
  type ClickMask,
  type ClickSimilarityInput,
  type ClickSimilarityOptions,
} from './click-similarity';
export {
  buildDecoderFeeds,
  segmentWithDecoder,
  type DecoderSegmentation,
  type LowResLogits,
  type MaskDecoderIo,
  type MaskDecoderRunner,
} from './sam-decoder';
export {
  readRgbImage,
  segmentImageFile,
  type SegmentEngine,
  type SegmentImageResult,
  type SegmentRequest,
  type SegmentRequestOptions,
} from './segment-image';
