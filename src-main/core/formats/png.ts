import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * A tiny PNG codec for 8-bit greyscale and 8-bit indexed images. sharp can only write palette PNGs by
 * quantising colours, which does not keep exact indices; VOC segmentation PNGs need exact indices (255 =
 * void), so they are encoded here.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const COLOR_GRAY = 0;
const COLOR_INDEXED = 3;

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function encode8Bit(
  pixels: Uint8Array,
  widthPx: number,
  heightPx: number,
  colorType: number,
  extra: Buffer[],
): Buffer {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new Error(`PNG size must be positive integers, got ${widthPx}×${heightPx}`);
  }
  if (pixels.length !== widthPx * heightPx) {
    throw new Error(`PNG pixels: expected ${widthPx * heightPx} bytes, got ${pixels.length}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(widthPx, 0);
  ihdr.writeUInt32BE(heightPx, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colorType;
  // compression, filter and interlace methods stay 0
  const raw = Buffer.alloc((widthPx + 1) * heightPx);
  for (let y = 0; y < heightPx; y++) {
    // filter byte 0 (None): masks compress well without prediction
    raw.set(pixels.subarray(y * widthPx, (y + 1) * widthPx), y * (widthPx + 1) + 1);
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** 8-bit greyscale PNG (labelme masks: values 0/1, like labelme's PIL `L` images). */
export function encodeGrayPng(pixels: Uint8Array, widthPx: number, heightPx: number): Buffer {
  return encode8Bit(pixels, widthPx, heightPx, COLOR_GRAY, []);
}

/** 8-bit indexed PNG with the given palette (RGB triplets, up to 256 entries). */
export function encodeIndexedPng(
  indices: Uint8Array,
  widthPx: number,
  heightPx: number,
  paletteRgb: Uint8Array,
): Buffer {
  if (paletteRgb.length === 0 || paletteRgb.length % 3 !== 0 || paletteRgb.length > 768) {
    throw new Error(`PNG palette must hold 1..256 RGB entries, got ${paletteRgb.length} bytes`);
  }
  return encode8Bit(indices, widthPx, heightPx, COLOR_INDEXED, [chunk('PLTE', Buffer.from(paletteRgb))]);
}

export interface DecodedPng {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly colorType: number;
  /** One byte per pixel: grey value or palette index. */
  readonly pixels: Uint8Array;
  readonly palette: Uint8Array | null;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Decodes 8-bit greyscale or indexed, non-interlaced PNGs (what this module writes), keeping the raw
 * indices. Other PNGs are decoded with sharp by the callers.
 */
export function decodeSimplePng(buf: Uint8Array): DecodedPng {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8 || !b.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  let pos = 8;
  let widthPx = 0;
  let heightPx = 0;
  let colorType = -1;
  let palette: Uint8Array | null = null;
  const idat: Buffer[] = [];
  while (pos + 8 <= b.length) {
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (data.length !== len) throw new Error(`PNG chunk ${type} is truncated`);
    if (type === 'IHDR') {
      widthPx = data.readUInt32BE(0);
      heightPx = data.readUInt32BE(4);
      colorType = data[9] ?? -1;
      if (data[8] !== 8 || data[12] !== 0 || (colorType !== COLOR_GRAY && colorType !== COLOR_INDEXED)) {
        throw new Error('only 8-bit greyscale or indexed non-interlaced PNGs are supported here');
      }
    } else if (type === 'PLTE') {
      palette = new Uint8Array(data);
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + len;
  }
  if (widthPx <= 0 || heightPx <= 0) throw new Error('PNG has no IHDR');
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length < (widthPx + 1) * heightPx) throw new Error('PNG image data is truncated');
  const pixels = new Uint8Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) {
    const filter = raw[y * (widthPx + 1)];
    const src = y * (widthPx + 1) + 1;
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const v = raw[src + x] ?? 0;
      const left = x > 0 ? (pixels[row + x - 1] ?? 0) : 0;
      const up = y > 0 ? (pixels[row - widthPx + x] ?? 0) : 0;
      const upLeft = x > 0 && y > 0 ? (pixels[row - widthPx + x - 1] ?? 0) : 0;
      let out: number;
      switch (filter) {
        case 0:
          out = v;
          break;
        case 1:
          out = v + left;
          break;
        case 2:
          out = v + up;
          break;
        case 3:
          out = v + ((left + up) >> 1);
          break;
        case 4:
          out = v + paeth(left, up, upLeft);
          break;
        default:
          throw new Error(`PNG row ${y} has an unknown filter ${filter}`);
      }
      pixels[row + x] = out & 0xff;
    }
  }
  return { widthPx, heightPx, colorType, pixels, palette };
}
