/** Plane geometry shared by main and the renderer: pure functions on numbers, no dependencies. */
export {
  normalizeDegrees,
  rotatedBoxCorners,
  rotatedBoxExtent,
  rotatedBoxFromCorners,
  ringsExtent,
  type RotatedBoxParams,
} from './rotated-box';
export { clipPolylineToRect, clipRingToRect, ringArea2 } from './clip';
export { convexHull, minAreaRect } from './min-area-rect';
