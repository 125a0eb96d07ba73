import { useEffect, useState } from 'react';

/** Loads an image URL; null until it has loaded (or when it fails, with the error reported). */
export function useLoadedImage(url: string | null, onError?: (message: string) => void): HTMLImageElement | null {
  const [loaded, setLoaded] = useState<{ url: string; image: HTMLImageElement } | null>(null);
  useEffect(() => {
    if (url === null) return;
    let alive = true;
    const img = new window.Image();
    img.decoding = 'async';
    img.onload = () => {
      if (alive) setLoaded({ url, image: img });
    };
    img.onerror = () => {
      if (alive) onError?.(`could not load image ${url}`);
    };
    img.src = url;
    return () => {
      alive = false;
    };
  }, [url, onError]);
  return loaded && loaded.url === url ? loaded.image : null;
}
