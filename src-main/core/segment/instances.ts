import { connectedComponents } from './components';
import { maskToRings } from './contours';
import { encodeMask } from './rle';
import { type CocoRle } from '../../../src-preload/contract/geometry';

/** One segmented object: a connected region of the thresholded probability map. */
export interface SegmentInstance {
  readonly label: string;
  /** Mean probability over the instance's pixels. */
  readonly score: number;
  readonly areaPx: number;
  /** [x, y, w, h] in image pixels, integer-valued (equals pycocotools toBbox of the mask). */
  readonly bbox: [number, number, number, number];
  /** Row-major 0/1, image size. */
  readonly mask: Uint8Array;
}

/** 8-connected components of `mask` with at least `minAreaPx` pixels, largest first. */
export function maskToInstances(
  mask: Uint8Array,
  prob: Float32Array,
  widthPx: number,
  heightPx: number,
  label: string,
  minAreaPx: number,
): SegmentInstance[] {
  const cc = connectedComponents(mask, widthPx, heightPx, 8);
  const sums = new Float64Array(cc.count + 1);
  const labels = cc.labels;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l !== 0) sums[l]! += prob[i]!;
  }
  const out: SegmentInstance[] = [];
  for (let l = 1; l <= cc.count; l++) {
    const area = cc.areas[l]!;
    if (area < minAreaPx) continue;
    const x0 = cc.minX[l]!;
    const y0 = cc.minY[l]!;
    const x1 = cc.maxX[l]!;
    const y1 = cc.maxY[l]!;
    const m = new Uint8Array(widthPx * heightPx);
    for (let y = y0; y <= y1; y++) {
      for (let i = y * widthPx + x0, end = y * widthPx + x1; i <= end; i++) if (labels[i] === l) m[i] = 1;
    }
    out.push({
      label,
      score: Math.min(1, Math.max(0, sums[l]! / area)),
      areaPx: area,
      bbox: [x0, y0, x1 - x0 + 1, y1 - y0 + 1],
      mask: m,
    });
  }
  return out.sort((a, b) => b.areaPx - a.areaPx);
}

/** The JSON form the CLI and the service hand out: COCO RLE plus even-odd polygon rings. */
export interface InstanceJson {
  readonly label: string;
  readonly score: number;
  readonly area: number;
  readonly bbox: [number, number, number, number];
  readonly rle: CocoRle;
  readonly polygons: number[][];
}

export function instanceToJson(
  inst: SegmentInstance,
  widthPx: number,
  heightPx: number,
  opts: { tolerancePx?: number } = {},
): InstanceJson {
  return {
    label: inst.label,
    score: Math.round(inst.score * 1e4) / 1e4,
    area: inst.areaPx,
    bbox: inst.bbox,
    rle: encodeMask(inst.mask, widthPx, heightPx),
    polygons: maskToRings(inst.mask, widthPx, heightPx, { tolerancePx: opts.tolerancePx ?? 0.5 }),
  };
}
