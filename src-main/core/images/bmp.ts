/**
 * A small BMP reader: sharp's prebuilt libvips has no BMP loader, so the header is parsed here for the
 * import probe, and the common uncompressed variants are decoded to RGBA for thumbnails.
 */

export interface BmpHeader {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly bitsPerPixel: number;
  readonly compression: number;
  readonly topDown: boolean;
  readonly pixelOffset: number;
  readonly headerSize: number;
  readonly paletteColors: number;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;

/** Parses the file + DIB header; returns a reason string when it is not a usable BMP header. */
export function parseBmpHeader(buf: Uint8Array): BmpHeader | string {
  if (buf.length < 26) return 'the BMP header is truncated';
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize === 12) {
    if (buf.length < 26) return 'the BMP header is truncated';
    return {
      widthPx: view.getUint16(18, true),
      heightPx: view.getUint16(20, true),
      bitsPerPixel: view.getUint16(24, true),
      compression: BI_RGB,
      topDown: false,
      pixelOffset,
      headerSize,
      paletteColors: 0,
    };
  }
  if (headerSize < 40 || buf.length < 14 + 40)
    return `unsupported BMP header (DIB header size ${headerSize})`;
  const width = view.getInt32(18, true);
  const height = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  if (width <= 0 || height === 0) return `the BMP header gives an invalid size ${width}×${height}`;
  return {
    widthPx: width,
    heightPx: Math.abs(height),
    bitsPerPixel,
    compression,
    topDown: height < 0,
    pixelOffset,
    headerSize,
    paletteColors: view.getUint32(46, true),
  };
}

/** Bytes the pixel rows need, for truncation checks (undefined when compressed: size not knowable). */
export function bmpExpectedBytes(h: BmpHeader): number | undefined {
  if (h.compression !== BI_RGB && h.compression !== BI_BITFIELDS) return undefined;
  const rowBytes = Math.ceil((h.widthPx * h.bitsPerPixel) / 32) * 4;
  return h.pixelOffset + rowBytes * h.heightPx;
}

/** Decodes uncompressed 1/4/8/24/32-bit BMPs to RGBA; returns a reason string for other variants. */
export function decodeBmp(buf: Uint8Array): { rgba: Uint8Array; widthPx: number; heightPx: number } | string {
  const h = parseBmpHeader(buf);
  if (typeof h === 'string') return h;
  const bpp = h.bitsPerPixel;
  const supported =
    (h.compression === BI_RGB && [1, 4, 8, 24, 32].includes(bpp)) ||
    (h.compression === BI_BITFIELDS && bpp === 32);
  if (!supported) return `BMP with ${bpp} bits per pixel and compression ${h.compression} cannot be decoded`;
  const expected = bmpExpectedBytes(h);
  if (expected === undefined || expected > buf.length) return 'the BMP pixel data is truncated';
  const { widthPx: w, heightPx: hgt } = h;
  const rowBytes = Math.ceil((w * bpp) / 32) * 4;
  const paletteAt = 14 + h.headerSize;
  const paletteEntry = h.headerSize === 12 ? 3 : 4;
  const rgba = new Uint8Array(w * hgt * 4);
  for (let y = 0; y < hgt; y++) {
    const srcRow = h.pixelOffset + (h.topDown ? y : hgt - 1 - y) * rowBytes;
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      let r: number, g: number, b: number;
      if (bpp >= 24) {
        const p = srcRow + x * (bpp / 8);
        b = buf[p] ?? 0;
        g = buf[p + 1] ?? 0;
        r = buf[p + 2] ?? 0;
      } else {
        const bitPos = x * bpp;
        const byte = buf[srcRow + (bitPos >> 3)] ?? 0;
        const index = (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1);
        const pe = paletteAt + index * paletteEntry;
        b = buf[pe] ?? 0;
        g = buf[pe + 1] ?? 0;
        r = buf[pe + 2] ?? 0;
      }
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = 255;
    }
  }
  return { rgba, widthPx: w, heightPx: hgt };
}
