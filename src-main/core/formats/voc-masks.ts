import fs from 'node:fs/promises';
import path from 'node:path';
import { openImage, run } from '../images/open-image';
import { encodeMask } from '../segment/rle';
import { isFile, readTextLimited } from './files';
import { decodeSimplePng } from './png';
import { VOC_CLASSES, VOC_VOID_INDEX, vocPalette } from './voc-palette';

/** Pascal VOC segmentation PNGs: class and instance values, their names, and masks of one value. */

const XML_BYTES = 16 * 1024 * 1024;

/** The colour of palette entry i as one number. */
const colorKey = (r: number, g: number, b: number): number => (r << 16) | (g << 8) | b;

/** Palette index of each VOC colour (the first index when colours repeat). */
function paletteIndexByColor(): Map<number, number> {
  const pal = vocPalette();
  const out = new Map<number, number>();
  for (let i = 0; i < 256; i++) {
    const key = colorKey(pal[i * 3]!, pal[i * 3 + 1]!, pal[i * 3 + 2]!);
    if (!out.has(key)) out.set(key, i);
  }
  return out;
}

/**
 * Class names by segmentation PNG value: labelmap.txt (CVAT, Datumaro, our export) gives each class its
 * colour, which is the VOC palette entry of its value; without it, the 20 VOC classes.
 */
export async function classTable(root: string): Promise<{ nameOf: Map<number, string>; source: string }> {
  const file = path.join(root, 'labelmap.txt');
  const nameOf = new Map<number, string>();
  if (!(await isFile(file))) {
    VOC_CLASSES.forEach((n, i) => nameOf.set(i + 1, n));
    return { nameOf, source: 'the VOC classes' };
  }
  const byColor = paletteIndexByColor();
  for (const line of (await readTextLimited(file, XML_BYTES, 'labelmap.txt')).split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [name, rgb] = line.split(':');
    const c = (rgb ?? '').split(',').map(Number);
    const index = c.length === 3 ? byColor.get(colorKey(c[0]!, c[1]!, c[2]!)) : undefined;
    const n = (name ?? '').trim();
    if (index !== undefined && index !== 0 && n !== '') nameOf.set(index, n);
  }
  return { nameOf, source: 'labelmap.txt' };
}

/** A segmentation PNG as class/instance values: paletted PNGs keep theirs, RGB ones are mapped through the VOC palette. */
export async function readIndexPng(
  file: string,
  display: string,
): Promise<{ pixels: Uint8Array; widthPx: number; heightPx: number }> {
  const bytes = await fs.readFile(file);
  try {
    const png = decodeSimplePng(bytes);
    return { pixels: png.pixels, widthPx: png.widthPx, heightPx: png.heightPx };
  } catch {
    // Not an 8-bit paletted/grey PNG (some tools write RGB): map colours back to palette values.
  }
  const opened = await openImage(display, { alpha: 'drop', bytes });
  const { data, info } = await run(display, opened.pipeline.raw().toBuffer({ resolveWithObject: true }));
  const byColor = paletteIndexByColor();
  const pixels = new Uint8Array(info.width * info.height);
  for (let i = 0; i < pixels.length; i++) {
    const o = i * info.channels;
    const v = byColor.get(colorKey(data[o]!, data[o + 1]!, data[o + 2]!));
    if (v === undefined) {
      throw new Error(
        `${display}: pixel (${i % info.width}, ${Math.floor(i / info.width)}) has a colour outside the VOC palette`,
      );
    }
    pixels[i] = v;
  }
  return { pixels, widthPx: info.width, heightPx: info.height };
}

export function maskOf(
  pixels: Uint8Array,
  value: number,
  widthPx: number,
  heightPx: number,
): { kind: 'mask'; rle: ReturnType<typeof encodeMask> } | null {
  const m = new Uint8Array(pixels.length);
  let any = false;
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] === value) {
      m[i] = 1;
      any = true;
    }
  }
  return any ? { kind: 'mask', rle: encodeMask(m, widthPx, heightPx) } : null;
}

/** The most frequent class index under the pixels of one instance (0 and 255 left out). */
export function majorityClass(objects: Uint8Array, classes: Uint8Array, value: number): number {
  const votes = new Map<number, number>();
  for (let i = 0; i < objects.length; i++) {
    if (objects[i] !== value) continue;
    const c = classes[i]!;
    if (c !== 0 && c !== VOC_VOID_INDEX) votes.set(c, (votes.get(c) ?? 0) + 1);
  }
  let best = 0;
  let bestVotes = 0;
  for (const [c, n] of votes) if (n > bestVotes) [best, bestVotes] = [c, n];
  return best;
}
