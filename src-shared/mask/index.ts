/**
 * RLE and mask geometry, one implementation for main and the renderer: pure TypeScript on typed arrays,
 * no dependencies and no Node or DOM APIs (it imports nothing outside this folder). Semantics are
 * pycocotools' (common/maskApi.c) wherever pycocotools defines them; masks are row-major Uint8Array.
 */
export {
  countsFromString,
  countsToString,
  parseCounts,
  parseCountsInto,
  parseCountsScratch,
} from './counts-string';
export {
  bboxIou,
  countsArea,
  countsIou,
  countsToBbox,
  rleArea,
  rleIou,
  rleToBbox,
  type Bbox,
  type CompressedRle,
} from './rle-ops';
export { mergeCounts, rleMerge, unionCanonicalCounts } from './rle-merge';
export { bboxToCounts, polygonToCounts, ringsToMask } from './frpoly';
export {
  countsToCropMask,
  countsToMask,
  cropMaskToCounts,
  forEachColumnSegment,
  maskToCounts,
  type PixelRect,
} from './rle-mask';
export {
  decodeRle,
  encodeMask,
  polygonsToRle,
  rleFrBbox,
  rleFrPoly,
  uncompressedToRle,
  validateRle,
} from './rle';
export { extractRowRuns, labelRowRuns, type Connectivity, type RowRuns } from './row-runs';
export { maskToPolygons, maskToRings, type PolygonWithHoles } from './contours';
export { simplifyRing, simplifyRingXY } from './simplify';
export { denseArea, denseIntersectUnion, denseIou } from './dense';
