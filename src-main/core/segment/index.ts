/** Public surface of the segmentation engine: pure typed-array functions plus the one-image pipeline. */
export * from './rle';
export { maskToPolygons, maskToRings, polygonsToMask, simplifyRing, type PolygonWithHoles } from './contours';
export {
  connectedComponents,
  componentMask,
  labelRuns,
  type Components,
  type Connectivity,
  type LabelledRuns,
} from './components';
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
export {
  cachedCosineMap,
  cosineMaps,
  gridScale,
  inverseCellNorms,
  l2Normalize,
  meanFeatureInRect,
  sampleFeature,
} from './grid-ops';
export { otsuThreshold } from './threshold';
export { upsampleProbability, type RgbImage, type PixelRegion } from './upsample';
export { maskToInstances, instanceToJson, type InstanceJson, type SegmentInstance } from './instances';
export {
  segmentText,
  textHeatmaps,
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
  segmentEmbeddedImage,
  type EmbeddedImage,
  type SegmentEngine,
  type SegmentImageResult,
  type SegmentRequest,
  type SegmentRequestOptions,
} from './segment-image';
export { annotationMask, assertRleSize, boxRing, geometryToMask } from './geometry-mask';
