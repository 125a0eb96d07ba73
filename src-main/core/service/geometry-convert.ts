import { type Geometry } from '@contract';
import { AppError } from '../errors';
import { geometryToMask } from '../segment/geometry-mask';
import { encodeMask, maskToRings } from '../segment';

/** Mask ↔ polygon conversion for the editor (contours with holes, Douglas–Peucker at the given tolerance). */
export function convertGeometry(
  geometry: Geometry,
  target: 'polygon' | 'mask',
  tolerancePx: number,
  widthPx: number,
  heightPx: number,
): Geometry {
  if (geometry.kind === 'point') throw new AppError('invalid_input', 'a point has no area to convert');
  let mask: Uint8Array | null;
  try {
    mask = geometryToMask(geometry, widthPx, heightPx);
  } catch (e) {
    // A mask of another size, or RLE counts that do not decode: the caller's geometry, not our fault.
    throw new AppError('invalid_input', `geometry: ${(e as Error).message}`);
  }
  if (!mask) throw new AppError('invalid_input', `cannot rasterise a ${geometry.kind}`);
  switch (target) {
    case 'mask':
      return { kind: 'mask', rle: encodeMask(mask, widthPx, heightPx) };
    case 'polygon': {
      const rings = maskToRings(mask, widthPx, heightPx, { tolerancePx }).filter((r) => r.length >= 6);
      if (rings.length === 0) throw new AppError('invalid_input', 'the shape is empty: nothing to convert');
      return { kind: 'polygon', rings };
    }
  }
}
