import sharp from 'sharp';

/** RGB test images: a coloured rectangle on a textured (grey noise) background. */
export async function shapeOnTexture(
  file: string,
  opts: {
    widthPx: number;
    heightPx: number;
    rgb: [number, number, number];
    rect: [number, number, number, number];
  },
): Promise<void> {
  const { widthPx: w, heightPx: h, rgb, rect } = opts;
  const [x0, y0, x1, y1] = rect;
  const data = Buffer.alloc(w * h * 3);
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inside = x >= x0 && x < x1 && y >= y0 && y < y1;
      const n = Math.round(128 + (rnd() - 0.5) * 90);
      const px = inside ? rgb : [n, n, n];
      data.set(px, (y * w + x) * 3);
    }
  }
  await sharp(data, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(file);
}

export async function solid(
  file: string,
  widthPx: number,
  heightPx: number,
  rgb: [number, number, number],
): Promise<void> {
  await sharp({
    create: {
      width: widthPx,
      height: heightPx,
      channels: 3,
      background: { r: rgb[0], g: rgb[1], b: rgb[2] },
    },
  })
    .png()
    .toFile(file);
}
