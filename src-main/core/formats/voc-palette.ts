/** The Pascal VOC colour map (`VOClabelcolormap.m`, bitget): 256 RGB entries, 768 bytes. */
export function vocPalette(): Uint8Array {
  const out = new Uint8Array(768);
  for (let i = 0; i < 256; i++) {
    let id = i;
    let r = 0;
    let g = 0;
    let b = 0;
    for (let j = 0; j < 8; j++) {
      r |= (id & 1) << (7 - j);
      g |= ((id >> 1) & 1) << (7 - j);
      b |= ((id >> 2) & 1) << (7 - j);
      id >>= 3;
    }
    out[i * 3] = r;
    out[i * 3 + 1] = g;
    out[i * 3 + 2] = b;
  }
  return out;
}

export const VOC_VOID_INDEX = 255;

/** labelme2voc's label for regions to leave out of training: VOC void (255). */
export const IGNORE_LABEL = '__ignore__';

/** The 20 VOC classes; index in this list + 1 is the class value in SegmentationClass PNGs. */
export const VOC_CLASSES: readonly string[] = [
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
];

/**
 * Class values for SegmentationClass: the standard VOC indices when every label is a VOC class name,
 * otherwise 1..n in label order (described by labelmap.txt). At most 254 classes fit (255 is void).
 */
export function vocClassIndices(labelNames: readonly string[]): number[] {
  const allVoc = labelNames.length > 0 && labelNames.every((n) => VOC_CLASSES.includes(n));
  if (allVoc) return labelNames.map((n) => VOC_CLASSES.indexOf(n) + 1);
  if (labelNames.length > 254) {
    throw new Error(`VOC segmentation PNGs hold at most 254 classes, the project has ${labelNames.length}`);
  }
  return labelNames.map((_, i) => i + 1);
}

/** CVAT-style `labelmap.txt`: `label:r,g,b:parts:actions`, background first. */
export function vocLabelmap(labelNames: readonly string[], indices: readonly number[]): string {
  const pal = vocPalette();
  const rgb = (i: number): string => `${pal[i * 3]},${pal[i * 3 + 1]},${pal[i * 3 + 2]}`;
  const lines = ['# label:color_rgb:parts:actions', `background:${rgb(0)}::`];
  labelNames.forEach((name, k) => lines.push(`${name}:${rgb(indices[k] ?? 0)}::`));
  return lines.join('\n') + '\n';
}
