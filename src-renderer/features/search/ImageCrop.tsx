import { useEffect, useRef } from 'react';
import { mediaUrl } from '../../bridge';

const loading = new Map<string, Promise<HTMLImageElement>>();
/** Originals decoded for crops, most recent last; a result list shows a handful of images at most. */
const MAX_IMAGES = 24;

function loadImage(url: string): Promise<HTMLImageElement> {
  const hit = loading.get(url);
  if (hit) {
    loading.delete(url);
    loading.set(url, hit);
    return hit;
  }
  const p = new Promise<HTMLImageElement>((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`cannot load ${url}`));
    img.src = url;
  });
  p.catch(() => loading.delete(url));
  loading.set(url, p);
  while (loading.size > MAX_IMAGES) loading.delete(loading.keys().next().value!);
  return p;
}

/**
 * The region [x, y, w, h] of an image, with a little context around it and the region outlined: what a
 * search hit matched. Drawn from the original image (thumbnails are too coarse for small objects).
 */
export function ImageCrop({
  image,
  bbox,
  widthPx = 96,
  heightPx = 72,
}: {
  /** The image's media address (a search hit carries it). */
  readonly image: { readonly mediaKey: string };
  readonly bbox: readonly [number, number, number, number];
  readonly widthPx?: number;
  readonly heightPx?: number;
}): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [x, y, w, h] = bbox;
  const { mediaKey } = image;
  useEffect(() => {
    let live = true;
    void loadImage(mediaUrl({ mediaKey })).then(
      (img) => {
        const ctx = canvas.current?.getContext('2d');
        if (!live || !ctx) return;
        const margin = 0.15 * Math.max(w, h);
        const sw = Math.min(img.naturalWidth, w + 2 * margin);
        const sh = Math.min(img.naturalHeight, h + 2 * margin);
        const scale = Math.min(widthPx / sw, heightPx / sh);
        const sx = Math.max(0, Math.min(img.naturalWidth - sw, x + w / 2 - sw / 2));
        const sy = Math.max(0, Math.min(img.naturalHeight - sh, y + h / 2 - sh / 2));
        const dx = (widthPx - sw * scale) / 2;
        const dy = (heightPx - sh * scale) / 2;
        ctx.clearRect(0, 0, widthPx, heightPx);
        ctx.drawImage(img, sx, sy, sw, sh, dx, dy, sw * scale, sh * scale);
        ctx.lineWidth = 3;
        ctx.strokeStyle = 'rgba(0,0,0,0.75)';
        ctx.strokeRect(dx + (x - sx) * scale, dy + (y - sy) * scale, w * scale, h * scale);
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = '#ffd400';
        ctx.strokeRect(dx + (x - sx) * scale, dy + (y - sy) * scale, w * scale, h * scale);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [mediaKey, x, y, w, h, widthPx, heightPx]);
  return <canvas ref={canvas} className="crop" width={widthPx} height={heightPx} aria-hidden="true" />;
}
