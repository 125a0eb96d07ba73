/**
 * Mask ↔ polygons for core: exact pixel-edge rings traced from runs and their pycocotools-exact even-odd
 * fill, both from @shared/mask (see there for the ring order and hole nesting).
 */
export {
  maskToPolygons,
  maskToRings,
  ringsToMask as polygonsToMask,
  simplifyRing,
  type PolygonWithHoles,
} from '@shared/mask';
