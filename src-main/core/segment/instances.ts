import { labelRuns } from './components';
import { maskToRings } from './contours';
import { encodeMask } from './rle';
import { type CocoRle } from '@contract';

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
  // Works on labelled runs: no per-pixel label image, masks are filled run by run.
  const { count, starts, ends, rowFirst, runLabel } = labelRuns(mask, widthPx, heightPx, 8);
  const areas = new Float64Array(count + 1);
  const sums = new Float64Array(count + 1);
  const minX = new Int32Array(count + 1).fill(widthPx);
  const minY = new Int32Array(count + 1).fill(heightPx);
  const maxX = new Int32Array(count + 1).fill(-1);
  const maxY = new Int32Array(count + 1).fill(-1);
  for (let y = 0; y < heightPx; y++) {
    const off = y * widthPx;
    for (let i = rowFirst[y]!, end = rowFirst[y + 1]!; i < end; i++) {
      const l = runLabel[i]!;
      const s0 = starts[i]!;
      const e0 = ends[i]!;
      let sum = 0;
      for (let k = off + s0; k < off + e0; k++) sum += prob[k]!;
      sums[l]! += sum;
      areas[l]! += e0 - s0;
      if (s0 < minX[l]!) minX[l] = s0;
      if (e0 - 1 > maxX[l]!) maxX[l] = e0 - 1;
      if (y < minY[l]!) minY[l] = y;
      maxY[l] = y;
    }
  }
  const masks: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(count + 1);
  for (let l = 1; l <= count; l++) if (areas[l]! >= minAreaPx) masks[l] = new Uint8Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) {
    const off = y * widthPx;
    for (let i = rowFirst[y]!, end = rowFirst[y + 1]!; i < end; i++) {
      masks[runLabel[i]!]?.fill(1, off + starts[i]!, off + ends[i]!);
    }
  }
  const out: SegmentInstance[] = [];
  for (let l = 1; l <= count; l++) {
    const m = masks[l];
    if (!m) continue;
    const area = areas[l]!;
    out.push({
      label,
      score: Math.min(1, Math.max(0, sums[l]! / area)),
      areaPx: area,
      bbox: [minX[l]!, minY[l]!, maxX[l]! - minX[l]! + 1, maxY[l]! - minY[l]! + 1],
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
